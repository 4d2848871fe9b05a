"""Large evaluations on the DuckDB backend: a linear recursive stratum that starts from more
rows than a recursive CTE is given runs by the driver's semi-naive loop over tables (which
DuckDB spills to disk) with the same answers; DuckDB spills into a directory of the system's
temporary directory; and a load stopped by the memory limit leaves the database as it was."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.errors import EvaluationError, LimitError  # noqa: E402
from reasoner.sql import driver  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402

# `possible` as allen_possible in rules/time.dl: exit rows, then a recursive rule reading its
# own relation once (the inverse of each row); `path` a closure through a cycle.
PROGRAM = """
.decl pair(x: number, y: number)
.decl inverse(r: symbol, i: symbol)
.decl possible(x: number, y: number, r: symbol)
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
inverse("before", "after"). inverse("after", "before"). inverse("meets", "met_by").
possible(X, Y, "before") :- pair(X, Y), X < Y.
possible(X, Y, "meets") :- pair(X, Y), X + 1 = Y.
possible(X, Y, I) :- possible(Y, X, R), inverse(R, I), pair(X, Y).
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""

PAIRS = [(x, y) for x in range(30) for y in range(30) if x != y and abs(x - y) < 6]
EDGES = [(i, (i + 1) % 40) for i in range(40)] + [(i, i + 7) for i in range(0, 30, 3)]


def _statements(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements `engine`'s backend runs from now on."""
    ran: list[str] = []
    backend = engine.backend  # type: ignore[attr-defined]
    execute = backend.execute

    def recording(sql: str) -> None:
        ran.append(sql)
        execute(sql)

    monkeypatch.setattr(backend, "execute", recording)
    return ran


@pytest.mark.parametrize("probe", [False, True], ids=["except", "probing"])
@pytest.mark.parametrize("cte_rows", [0, 1_000_000])
def test_a_large_linear_stratum_runs_by_the_loop_with_the_same_answers(
        cte_rows: int, probe: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """(`probe`: each round's new rows found by probing the relation, `Driver.unseen`, as on
    large relations, or by EXCEPT.)"""
    monkeypatch.setattr(driver, "CTE_ROWS", cte_rows)
    monkeypatch.setattr(driver, "PROBE_ROWS", 0 if probe else 10**12)
    monkeypatch.setattr(driver, "PROBE_RATIO", 0)
    python, sql = Engine(), Engine(backend="duckdb")
    ran = _statements(sql, monkeypatch)
    for engine in (python, sql):
        engine.add_facts("pair", PAIRS)
        engine.add_facts("edge", EDGES)
        engine.load_text(PROGRAM)
    assert not differences(python, sql), short(differences(python, sql))
    assert sql.size("path") == 40 * 40 and sql.size("possible") == python.size("possible") > len(PAIRS) // 2
    recursive = [s for s in ran if "WITH RECURSIVE" in s]
    # above the threshold (0 rows) both strata go through the loop; below it, one CTE each
    assert len(recursive) == (0 if cte_rows == 0 else 2)
    assert any("SEMI JOIN" in s for s in ran) == (probe and cte_rows == 0)
    # and facts added later continue either way to the same answers
    for engine in (python, sql):
        engine.add_facts("edge", [(40, 0), (39, 41)])
        engine.add_facts("pair", [(30, 31), (31, 30)])
    assert not differences(python, sql), short(differences(python, sql))


def test_duckdb_spills_into_the_temporary_directory() -> None:
    engine = Engine(backend="duckdb")
    backend = engine.backend  # type: ignore[attr-defined]
    spill = backend.fetch("SELECT current_setting('temp_directory')")[0][0]
    assert Path(spill).parent == Path(tempfile.gettempdir())
    assert Engine(backend="duckdb").backend.fetch(  # type: ignore[attr-defined]
        "SELECT current_setting('temp_directory')")[0][0] != spill  # one per engine


CLOSURE = """
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


def test_a_load_stopped_by_the_memory_limit_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "kept.duckdb"
    engine = Engine(backend="duckdb", database=database, max_memory=24 * 2**20)
    engine.load_text(".decl edge(x: number, y: number)\n.decl seen(x: number)\nseen(X) :- edge(X, _).")
    engine.add_facts("edge", [(i, i + 1) for i in range(3_000)])  # a 4,501,500-path closure
    with pytest.raises(LimitError) as raised:
        engine.load_text(CLOSURE, name="closure.dl")
    (diagnostic,) = raised.value.diagnostics
    assert "took more than the memory budget of 25,165,824 bytes on DuckDB" in diagnostic.message
    assert "`path`" in diagnostic.message
    assert diagnostic.file == "closure.dl" and diagnostic.span is not None and diagnostic.span.line == 4
    assert "raise the budget" in (diagnostic.hint or "")
    # nothing of the failed load: the relations, their rows and the database file as before
    assert set(engine.relations()) == {"edge", "seen"}
    assert engine.size("edge") == 3_000 and engine.size("seen") == 3_000
    engine.close()  # type: ignore[attr-defined]
    again = Engine(backend="duckdb", database=database)
    assert set(again.relations()) == {"edge"} and again.size("edge") == 3_000  # the facts it kept
    again.load_text(CLOSURE)  # without the limit the same load completes
    assert again.size("path") == 3_000 * 3_001 // 2


def test_an_error_while_continuing_after_added_facts_is_reported_and_rolled_back() -> None:
    """Facts added to an evaluated program continue it with DuckDB's own join order; a statement
    that fails there is the evaluation error it is, the facts are not added, and the next
    evaluation from scratch runs with the driver's join order again."""
    sql = Engine(backend="duckdb")
    sql.load_text(".decl n(x: number)\n.decl big(x: number)\nbig(X * X * X * X * X) :- n(X).\nn(2).",
                  name="big.dl")
    with pytest.raises(EvaluationError, match="DuckDB.*[Oo]verflow") as failed:
        sql.add_facts("n", [(2_000_000,)])
    assert "big.dl:3:1" in str(failed.value)
    assert sql.relation("n") == {(2,)} and sql.relation("big") == {(32,)}
    backend = sql.backend  # type: ignore[attr-defined]
    assert backend.fetch("SELECT current_setting('disabled_optimizers')") == [("join_order",)]
    sql.add_facts("n", [(3,)])
    assert sql.relation("big") == {(32,), (243,)}
