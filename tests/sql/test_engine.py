"""`Engine(backend="duckdb")` behaves as the Python engine through the API: loading, queries,
added and retracted facts continuing the evaluation, event files, and what goes wrong (an
evaluation error, a construct the backend cannot run, a bad backend name or database path)
reported as a diagnostic with nothing half done."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.errors import CheckError, EvaluationError, LoadError  # noqa: E402
from tests.sql.differential import differences  # noqa: E402

PROGRAM = """
.decl edge(x: number, y: number)
.decl node(x: number)
.decl path(x: number, y: number)
.decl unreachable(x: number, y: number)
.decl out_degree(x: number, n: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
node(X) :- edge(X, _).
node(Y) :- edge(_, Y).
unreachable(X, Y) :- node(X), node(Y), !path(X, Y).
out_degree(X, N) :- node(X), N = count : { edge(X, _) }.
"""


def both() -> tuple[Engine, Engine]:
    return Engine(), Engine(backend="duckdb")


def test_the_same_api_answers() -> None:
    python, sql = both()
    for engine in (python, sql):
        assert engine.load_text(PROGRAM + "edge(1, 2). edge(2, 3). edge(3, 1). edge(3, 4).") == []
    assert sql.relations() == python.relations()
    assert sql.relation("path") == python.relation("path")
    assert sql.size("unreachable") == python.size("unreachable") == 4
    assert sql.query("path(1, X), X > 2") == python.query("path(1, X), X > 2") == [{"X": 3}, {"X": 4}]
    assert sql.query("path(4, _)") == [] and sql.query("path(1, 4)") == [{}]
    assert sql.schema("out_degree") == python.schema("out_degree")
    assert "DuckDB" in repr(sql)


def test_added_facts_continue_the_evaluation() -> None:
    python, sql = both()
    for engine in (python, sql):
        engine.load_text(PROGRAM + "edge(1, 2).")
        engine.add_facts("edge", [(2, 3), (3, 1)])  # recursion grows, negation shrinks
        engine.add_facts("edge", [(5, 5)])
    assert not differences(python, sql)
    assert (1, 1) in sql.relation("path") and (5, 1) in sql.relation("unreachable")


def test_retracted_facts_are_taken_out() -> None:
    python, sql = both()
    for engine in (python, sql):
        engine.load_text(PROGRAM)
        engine.add_facts("edge", [(1, 2), (2, 3), (3, 4)])
        engine.retract_facts("edge", [(2, 3)])
    assert not differences(python, sql)
    assert (1, 4) not in sql.relation("path")


def test_event_statements_load_through_the_same_front_end() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    python, sql = both()
    for engine in (python, sql):
        engine.load(root / "rules" / "base.dl", root / "corpus")
    assert not differences(python, sql)
    assert sql.size("event") > 0


def test_a_failed_load_leaves_the_database_as_it_was() -> None:
    sql = Engine(backend="duckdb")
    sql.load_text(PROGRAM + "edge(1, 2). edge(2, 0).")
    before = {name: sql.relation(name) for name in sql.relations()}
    with pytest.raises(EvaluationError) as failed:
        sql.load_text(".decl ratio(x: number)\nratio(X / Y) :- edge(X, Y).", name="ratio.dl")
    assert "evaluation failed on DuckDB" in str(failed.value) and "ratio.dl:2:1" in str(failed.value)
    assert {name: sql.relation(name) for name in sql.relations()} == before
    with pytest.raises(LoadError):
        sql.add_facts("edge", [(1, "x")])
    assert sql.relation("edge") == before["edge"]


def test_integer_overflow_is_an_error_not_another_answer() -> None:
    sql = Engine(backend="duckdb")
    with pytest.raises(EvaluationError, match="DuckDB.*[Oo]verflow"):
        sql.load_text(".decl big(x: number)\nbig(X * X * X * X * X) :- X = 2000000.")


def test_a_construct_the_backend_cannot_run_is_refused_at_load_time() -> None:
    sql = Engine(backend="duckdb")
    sql.load_text(".decl word(w: symbol)\nword(\"a\").")
    with pytest.raises(CheckError) as refused:
        sql.load_text(".decl numbered(w: symbol, n: number)\nnumbered(W, ord(W)) :- word(W).", name="ord.dl")
    message = str(refused.value)
    assert "ord.dl:2:13: error: the DuckDB backend cannot run the functor ord" in message
    assert "^" in message and "backend=\"python\"" in message
    assert sql.relations() == {"word": 1} and sql.relation("word") == {("a",)}


def test_bad_backend_names_and_database_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown backend .nope.; choose python, duckdb"):
        Engine(backend="nope")
    with pytest.raises(LoadError, match="cannot open the DuckDB database"):
        Engine(backend="duckdb", database=tmp_path / "missing" / "db.duckdb")


def test_two_engines_never_share_relations() -> None:
    first, second = Engine(backend="duckdb"), Engine(backend="duckdb")
    first.load_text(PROGRAM + "edge(1, 2).")
    second.load_text(PROGRAM + "edge(7, 8).")
    assert first.relation("edge") == {(1, 2)} and second.relation("edge") == {(7, 8)}



LOSING = """
.decl edge(x: number, y: number)
.decl blocked(x: number)
.decl open(x: number, y: number)
open(X, Y) :- edge(X, Y), !blocked(Y).
.decl degree(x: number, n: number)
degree(X, N) :- edge(X, _), N = count : open(X, _).
.decl hub(x: number)
hub(X) :- degree(X, N), N >= 2.
.decl reach(x: number, y: number)
reach(X, Y) :- open(X, Y).
reach(X, Z) :- reach(X, Y), open(Y, Z).
"""


@pytest.mark.parametrize(("added", "hubs"), [(("blocked", [(2,)]), set()),
                                            (("edge", [(1, 5), (5, 6), (2, 7)]), {(1,), (2,)}),
                                            (("blocked", [(9,)]), {(1,)})],
                         ids=["loses rows", "gains rows", "changes nothing"])
def test_added_facts_that_take_rows_out_downstream(added, hubs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fact added under a negation takes rows out of `open`, then out of the count in
    `degree`, then out of `hub` and `reach`: the strata recomputed know what they lost from
    the tables' sizes (`Driver.recompute`) and recompute what reads them."""
    fetched: list[str] = []
    engines = []
    for backend in ("python", "duckdb"):
        engine = Engine(backend=backend)
        engine.add_facts("edge", [(1, 2), (1, 3), (2, 3), (3, 4)])
        engine.load_text(LOSING)
        if backend == "duckdb":
            fetch = engine.backend.fetch  # type: ignore[attr-defined]
            monkeypatch.setattr(engine.backend, "fetch", lambda sql, fetch=fetch: fetched.append(sql) or fetch(sql))
        engine.add_facts(*added)
        engines.append(engine)
    python, sql = engines
    assert not differences(python, sql)
    assert set(sql.relation("hub")) == hubs
    assert not [s for s in fetched if "EXCEPT" in s]  # what a table lost: from the counts
