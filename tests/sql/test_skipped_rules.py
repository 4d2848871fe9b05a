"""The DuckDB driver does not run rules that read a relation known to be empty (evaluation
from scratch and continuing after added facts): relations that start empty and fill later, one
at a time, still give the Python engine's answers; and a second engine loading the same
program takes its compiled rules from the cache, with the same answers. Facts added after a
linear recursive rule continue it through one recursive CTE, to the same closure."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402

PROGRAM = """
.decl a(x: number)
.decl b(x: number)
.decl c(x: number, y: number)
.decl p(x: number)
.decl q(x: number, y: number)
.decl r(x: number, y: number)
.decl none(x: number)
p(X) :- a(X), b(X).
q(X, Y) :- p(X), c(X, Y).
q(X, Z) :- q(X, Y), c(Y, Z).
r(X, Y) :- q(X, Y), !p(Y).
none(X) :- a(X), !b(X).
"""

STEPS = [("c", [(1, 2), (2, 3)]), ("a", [(1,), (2,)]), ("b", [(1,)]), ("b", [(3,)]), ("c", [(3, 1)])]


def engines() -> list[Engine]:
    made = [Engine(), Engine(backend="duckdb"), Engine(backend="duckdb")]
    for engine in made:
        engine.load_text(PROGRAM)
    return made


def test_relations_filled_one_at_a_time_give_the_python_engines_answers() -> None:
    made = engines()
    for relation, rows in STEPS:
        for engine in made:
            engine.add_facts(relation, rows)
        python = made[0]
        for engine in made[1:]:
            for name in ("p", "q", "r", "none"):
                assert engine.relation(name) == python.relation(name), (relation, rows, name)
    assert made[0].relation("q") == {(1, 2), (1, 3), (1, 1)}


def test_a_program_loaded_onto_facts_skips_nothing_it_needs() -> None:
    python, duckdb = Engine(), Engine(backend="duckdb")
    for engine in (python, duckdb):
        for relation, rows in STEPS:
            engine.add_facts(relation, rows)
        engine.load_text(PROGRAM)
    for name in ("p", "q", "r", "none"):
        assert duckdb.relation(name) == python.relation(name)


CHAIN = """
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


def test_facts_added_after_a_linear_recursive_rule_continue_it() -> None:
    """`Driver.resume_cte`: the closure continued from the added rows, a cycle closed last."""
    python, duckdb = Engine(), Engine(backend="duckdb")
    edges = [(i, i + 1) for i in range(60)]
    for engine in (python, duckdb):
        engine.load_text(CHAIN)
    for part in (edges[:30], edges[30:], [(60, 0)]):
        for engine in (python, duckdb):
            engine.add_facts("edge", part)
        assert duckdb.relation("path") == python.relation("path")
    assert len(duckdb.relation("path")) == 61 * 61
