"""Every golden program (tests/golden/) that runs without an error gives the same relations on
the DuckDB backend as on the Python engine. A program that uses a construct the backend
declares it cannot run is refused at load time with a diagnostic naming the construct and the
backend: `UNSUPPORTED` lists those programs and why, and the test checks that they are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.errors import CheckError  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir()
               if (p / "program.dl").is_file() and not (p / "expected.status").is_file())

# What the SQL backends cannot compute as the Python engine does: the refusal names it.
UNSUPPORTED = {
    **{case: "records: no SQL form (one atom per table cell)" for case in (
        "souffle_rec_lists", "souffle_rec_lists2", "souffle_rec_underscore", "souffle_unpacking",
        "souffle_inline_records", "souffle_adt_enum", "souffle_adt_binary_constraint", "souffle_load_simple_record",
        "souffle_record_alias", "souffle_peano_arithmetic", "souffle_rewrite", "souffle_sort", "records_patterns",
        "records_fact_files", "souffle_convex_hull")},
    "ord_functor": "ord: numbers symbols in the order one Python evaluation first meets them",
    "souffle_counter": "autoinc: numbers tuples in the order one Python evaluation makes them",
    "souffle_counter_semantic": "autoinc: numbers tuples in the order one Python evaluation makes them",
    "souffle_minimum_spanning_tree": "autoinc: numbers tuples in the order one Python evaluation makes them",
    "choice_domain": "choice-domain: the tuple kept depends on the order tuples are derived in",
    "souffle_choice_advisor": "choice-domain: the tuple kept depends on the order tuples are derived in",
    "souffle_choice_colourable": "choice-domain: the tuple kept depends on the order tuples are derived in",
    "souffle_choice_total_order": "choice-domain: the tuple kept depends on the order tuples are derived in",
    "souffle_subsumption_multiple_rules": "subsumption: no SQL form yet (tuples taken out during the fixpoint)",
    "subsumption_shortest_path": "subsumption: no SQL form yet (tuples taken out during the fixpoint)",
    "souffle_unsigned_operations": "bnot of an unsigned works within Soufflé's 32-bit word",
}



@pytest.mark.parametrize("case", CASES)
def test_golden_program_agrees(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN / case)
    python = Engine(fact_dir="facts")
    python.load("program.dl")
    if case in UNSUPPORTED:
        with pytest.raises(CheckError) as refused:
            Engine(backend="duckdb", fact_dir="facts").load("program.dl")
        message = str(refused.value)
        assert "the DuckDB backend cannot run" in message and "program.dl:" in message
        assert UNSUPPORTED[case].split(":")[0].split("(")[0] in message
        return
    sql = Engine(backend="duckdb", fact_dir="facts")
    sql.load("program.dl")
    found = differences(python, sql)
    assert not found, short(found)
    sql.close()
