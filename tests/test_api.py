"""The embedding API (`from reasoner import Engine`), as issue 2 describes it."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest

import reasoner
from reasoner import (
    CheckError,
    Engine,
    EvaluationError,
    LoadError,
    ParseError,
    QueryError,
    ReasonerError,
)

CLOSURE = """
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


def snapshot(engine: Engine) -> tuple[dict[str, int], dict[str, set[tuple]]]:
    """Everything a caller can see: the relations with their arities, and their tuples."""
    names = engine.relations()
    return names, {name: engine.relation(name) for name in names}


# ---- loading -----------------------------------------------------------------------------


def test_load_file(tmp_path: Path) -> None:
    program = tmp_path / "closure.dl"
    program.write_text(CLOSURE + "edge(1, 2). edge(2, 3).\n", encoding="utf-8")
    engine = Engine()
    assert engine.load(program) == []
    assert engine.relation("path") == {(1, 2), (2, 3), (1, 3)}


def test_load_file_with_include_and_input(tmp_path: Path) -> None:
    (tmp_path / "rules.dl").write_text(CLOSURE, encoding="utf-8")
    (tmp_path / "main.dl").write_text('#include "rules.dl"\n.input edge\n', encoding="utf-8")
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "edge.facts").write_text("1\t2\n2\t3\n", encoding="utf-8")
    engine = Engine(fact_dir=facts)
    engine.load(tmp_path / "main.dl")
    assert engine.relation("path") == {(1, 2), (2, 3), (1, 3)}


def test_load_text_in_steps() -> None:
    engine = Engine()
    engine.load_text(CLOSURE, name="closure.dl")
    engine.load_text("edge(1, 2). edge(2, 3).", name="facts.dl")
    assert engine.relation("path") == {(1, 2), (2, 3), (1, 3)}


def test_load_returns_warnings() -> None:
    engine = Engine()
    warnings = engine.load_text(".decl e(x: number, y: number)\n.decl s(x: number)\ns(X) :- e(X, Y).\n",
                                name="w.dl")
    assert [(w.severity, w.line, w.column) for w in warnings] == [("warning", 3, 14)]
    assert "`Y`" in warnings[0].message


# ---- facts and values --------------------------------------------------------------------


def test_add_facts_with_every_value_type() -> None:
    engine = Engine()
    engine.load_text(
        ".decl event(name: symbol, n: number, weight: float, on: date)\n"
        ".decl soon(name: symbol, due: date)\n"
        "soon(N, D + 7) :- event(N, _, _, D).\n"
    )
    engine.add_facts("event", [
        ("summit", 3, 0.5, datetime.date(2025, 10, 22)),
        ("vote", -1, 2, datetime.date(2024, 2, 28)),  # an int is accepted in a float column
    ])
    assert engine.relation("event") == {
        ("summit", 3, 0.5, datetime.date(2025, 10, 22)),
        ("vote", -1, 2.0, datetime.date(2024, 2, 28)),
    }
    assert engine.relation("soon") == {
        ("summit", datetime.date(2025, 10, 29)),
        ("vote", datetime.date(2024, 3, 6)),
    }


def test_add_facts_to_a_new_relation_infers_column_types() -> None:
    engine = Engine()
    engine.add_facts("score", [("ann", 3), ("bob", 5)])
    assert engine.relations()["score"] == 2
    engine.load_text(".decl high(name: symbol)\nhigh(N) :- score(N, S), S > 4.\n")
    assert engine.relation("high") == {("bob",)}


def test_add_facts_rejects_bad_rows_and_changes_nothing() -> None:
    engine = Engine()
    engine.load_text(".decl e(x: number, y: symbol)\ne(1, \"a\").\n")
    before = snapshot(engine)
    with pytest.raises(LoadError):
        engine.add_facts("e", [(2, "b"), (3,)])  # the second row has the wrong arity
    with pytest.raises(LoadError):
        engine.add_facts("e", [("two", "b")])  # a symbol in a number column
    with pytest.raises(LoadError):
        engine.add_facts("e", [(True, "b")])  # a bool is not a number
    assert snapshot(engine) == before


# ---- queries -----------------------------------------------------------------------------


def test_query_returns_python_values_by_variable() -> None:
    engine = Engine()
    engine.load_text(
        ".decl r(s: symbol, n: number, f: float, d: date)\n"
        'r("a", 1, 1.5, 2025-10-22). r("b", -2, 0.25, 2024-02-29).\n'
    )
    answers = engine.query("r(S, N, F, D), N > 0")
    assert answers == [{"S": "a", "N": 1, "F": 1.5, "D": datetime.date(2025, 10, 22)}]
    row = answers[0]
    assert [type(row[k]) for k in "SNFD"] == [str, int, float, datetime.date]


def test_query_forms() -> None:
    engine = Engine()
    engine.load_text(CLOSURE + "edge(1, 2). edge(2, 3).")
    assert engine.query("?- path(1, X).") == [{"X": 2}, {"X": 3}]
    assert engine.query("path(X, 3).") == [{"X": 1}, {"X": 2}]
    assert engine.query("path(1, 3)") == [{}]
    assert engine.query("path(3, 1)") == []
    assert engine.query("path(X, Y), X + 1 = Y") == [{"X": 1, "Y": 2}, {"X": 2, "Y": 3}]


def test_query_errors() -> None:
    engine = Engine()
    engine.load_text(CLOSURE)
    with pytest.raises(QueryError) as excinfo:
        engine.query("pth(1, X)")
    assert "pth" in str(excinfo.value)
    with pytest.raises(ParseError):
        engine.query("path(1, X")
    with pytest.raises(QueryError):
        engine.query("path(1, X), Y > 2")  # Y is not grounded


# ---- reading relations -------------------------------------------------------------------


def test_relation_and_relations() -> None:
    engine = Engine()
    engine.load_text(CLOSURE + ".decl flag()\nflag().\nedge(1, 2).")
    assert engine.relations() == {"edge": 2, "flag": 0, "path": 2}
    assert list(engine.relations()) == sorted(engine.relations())
    assert engine.relation("flag") == {()}
    copy = engine.relation("edge")
    copy.add((9, 9))  # a new set: changing it changes nothing in the engine
    assert engine.relation("edge") == {(1, 2)}
    with pytest.raises(QueryError) as excinfo:
        engine.relation("paht")
    assert "did you mean `path`?" in str(excinfo.value)


# ---- the exception family ----------------------------------------------------------------


def test_exception_family() -> None:
    for cls in (ParseError, CheckError, LoadError, EvaluationError, QueryError):
        assert issubclass(cls, ReasonerError)
    assert issubclass(ReasonerError, Exception)
    assert set(reasoner.__all__) >= {"Engine", "ReasonerError", "ParseError", "CheckError",
                                     "LoadError", "EvaluationError", "QueryError", "Diagnostic"}


@pytest.mark.parametrize(("text", "error", "line", "column"), [
    (".decl a(x: number)\na(1)\n", ParseError, 2, 5),
    (".decl a(x: number)\na(\"one\").\n", CheckError, 2, 3),
    (".decl a(x: number)\n.decl b(x: number)\nb(Y) :- a(X).\n", CheckError, 3, 3),
    (".decl a(x: number)\n.decl b(x: number)\na(0).\nb(Y) :- a(X), Y = 1 / X.\n", EvaluationError, 4, 19),
    (".decl a(x: number)\n.input a(filename=\"nowhere.facts\")\n", LoadError, 2, 1),
])
def test_errors_carry_diagnostics(text: str, error: type, line: int, column: int, tmp_path: Path) -> None:
    engine = Engine(fact_dir=tmp_path)
    with pytest.raises(error) as excinfo:
        engine.load_text(text, name="bad.dl")
    diagnostic = excinfo.value.diagnostics[0]
    assert (diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.column) == \
        ("error", "bad.dl", line, column)
    rendered = str(excinfo.value)
    assert rendered.startswith(f"bad.dl:{line}:{column}: error: ")
    assert "^" in rendered  # the caret under the source line


# ---- atomic loads ------------------------------------------------------------------------


BAD_LOADS = [
    pytest.param("edge(4, 5)\n", id="parse-error"),
    pytest.param("edge(4, 5).\nedge(\"x\", 1).\n", id="type-error"),
    pytest.param("edge(4, 5).\n.decl bad(x: number)\nbad(X) :- edge(X, _), !bad(X).\n", id="unstratifiable"),
    pytest.param("edge(4, 0).\n.decl q(x: number)\nq(Y) :- edge(X, Z), Y = X / Z.\n", id="division-by-zero"),
    pytest.param("edge(4, 5).\n.decl more(x: number)\n.input more(filename=\"missing.facts\")\n",
                 id="missing-fact-file"),
    pytest.param('#include "no/such/file.dl"\nedge(4, 5).\n', id="missing-include"),
    pytest.param(".decl edge(x: symbol)\n", id="redeclaration"),
]


@pytest.mark.parametrize("text", BAD_LOADS)
def test_failed_load_leaves_engine_as_it_was(text: str, tmp_path: Path) -> None:
    engine = Engine(fact_dir=tmp_path)
    engine.load_text(CLOSURE + "edge(1, 2). edge(2, 3).\n.decl other(s: symbol)\nother(\"a\").\n")
    engine.add_facts("extra", [("x", 1)])
    before = snapshot(engine)
    program_before = engine.program
    with pytest.raises(ReasonerError):
        engine.load_text(text, name="bad.dl")
    assert snapshot(engine) == before
    assert engine.program == program_before
    # The engine still works, and a later good load sees none of the failed text.
    engine.load_text("edge(3, 4).")
    assert engine.relation("path") == {(1, 2), (2, 3), (1, 3), (3, 4), (2, 4), (1, 4)}
    assert "bad" not in engine.relations() and "q" not in engine.relations()


def test_failed_load_of_a_file_leaves_engine_as_it_was(tmp_path: Path) -> None:
    engine = Engine()
    engine.load_text(CLOSURE + "edge(1, 2).")
    before = snapshot(engine)
    with pytest.raises(LoadError):
        engine.load(tmp_path / "missing.dl")
    bad = tmp_path / "bad.dl"
    bad.write_text("edge(2, 3).\npath(X, Y) :- edge(X, Y), Z > 1.\n", encoding="utf-8")
    with pytest.raises(CheckError) as excinfo:
        engine.load(bad)
    assert excinfo.value.diagnostics[0].file == str(bad)
    assert snapshot(engine) == before


# ---- isolation ---------------------------------------------------------------------------


def test_two_engines_share_nothing() -> None:
    first, second = Engine(), Engine()
    first.load_text(CLOSURE + "edge(1, 2).")
    second.load_text(".decl edge(x: symbol, y: symbol)\nedge(\"a\", \"b\").")
    second.add_facts("edge", [("b", "c")])
    first.add_facts("edge", [(2, 3)])
    assert first.relation("edge") == {(1, 2), (2, 3)}
    assert second.relation("edge") == {("a", "b"), ("b", "c")}
    assert first.relations() == {"edge": 2, "path": 2}
    assert second.relations() == {"edge": 2}
    assert Engine().relations() == {}


def _chain_closure(length: int, offset: int) -> set[tuple]:
    engine = Engine()
    engine.load_text(CLOSURE)
    engine.add_facts("edge", [(offset + i, offset + i + 1) for i in range(length)])
    return engine.relation("path")


def test_engines_in_parallel_threads_give_the_same_answers() -> None:
    length = 40
    expected = {offset: _chain_closure(length, offset) for offset in range(8)}
    results: dict[int, set[tuple]] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for _ in range(3):
                answer = _chain_closure(length, offset)
                if offset in results and results[offset] != answer:
                    raise AssertionError("answers differ between runs")
                results[offset] = answer
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == expected
    assert all(len(r) == length * (length + 1) // 2 for r in results.values())


def test_one_engine_shared_by_threads() -> None:
    engine = Engine()
    engine.load_text(CLOSURE)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            engine.add_facts("edge", [(offset * 100 + i, offset * 100 + i + 1) for i in range(10)])
            engine.query(f"path({offset * 100}, X)")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(engine.relation("edge")) == 60
    assert len(engine.relation("path")) == 6 * 55
