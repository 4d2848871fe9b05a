"""The engine's limits on the DuckDB backend: a time budget interrupts the statement running
(and stops the driver between statements), `max_memory` becomes DuckDB's `memory_limit`; an
evaluation stopped either way is a `LimitError`, as on the Python engine, and leaves the
database as it was."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.errors import LimitError  # noqa: E402

# Counting the triples of 3,000 numbers: 27,000,000,000 rows to count, far beyond the budget.
SLOW = """
.decl n(x: number)
.decl triples(c: number)
triples(C) :- C = count : { n(X), n(Y), n(Z) }.
"""


def test_the_time_budget_interrupts_a_long_statement() -> None:
    engine = Engine(backend="duckdb", time_budget=0.3)
    engine.add_facts("n", [(i,) for i in range(3_000)])
    with pytest.raises(LimitError) as raised:
        engine.load_text(SLOW)
    (diagnostic,) = raised.value.diagnostics
    assert "time budget of 0.3 s ran out" in diagnostic.message
    assert "`triples`" in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.line == 4
    # nothing half done: the rules were not loaded, the facts are still there
    assert "triples" not in engine.relations()
    assert engine.size("n") == 3_000
    engine.set_limits(time_budget=None)
    engine.load_text(".decl m(x: number)\nm(X) :- n(X), X < 3.")
    assert engine.relation("m") == {(0,), (1,), (2,)}


def test_max_memory_is_the_database_memory_limit() -> None:
    engine = Engine(backend="duckdb", max_memory=300 * 2**20)
    engine.load_text(".decl m(x: number)\nm(1).")
    backend = engine.backend  # type: ignore[attr-defined]
    limit = backend.fetch("SELECT current_setting('memory_limit')")[0][0]
    assert limit.replace(" ", "") in ("300.0MiB", "314.5MB", "300MiB")
    engine.set_limits(max_memory=None)
    engine.add_facts("m", [(2,)])
    assert backend.fetch("SELECT current_setting('memory_limit')")[0][0] != limit
