"""The 240 random stratified programs of `tests/test_differential.py` (recursion linear,
non-linear and mutual, negation, aggregates, comparisons, constants, repeated variables,
wildcards), each evaluated by the Python engine and by the DuckDB backend: same tuples."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from tests.pydatalog_oracle import to_souffle  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402
from tests.test_differential import PROGRAMS, generate_program  # noqa: E402

BATCH = 24  # programs per test: one DuckDB connection each, so the run stays short


@pytest.mark.parametrize("first", range(0, PROGRAMS, BATCH))
def test_generated_programs_agree(first: int) -> None:
    for seed in range(first, min(first + BATCH, PROGRAMS)):
        text = to_souffle(generate_program(seed))
        python = Engine()
        python.load_text(text, name="<generated>")
        sql = Engine(backend="duckdb")
        sql.load_text(text, name="<generated>")
        found = differences(python, sql)
        assert not found, f"seed {seed}: {short(found)}\n{text}"
        sql.close()
