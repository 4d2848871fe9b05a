"""The DuckDB driver does not run rules that read a relation known to be empty (evaluation
from scratch and continuing after added facts): relations that start empty and fill later, one
at a time, still give the Python engine's answers; and a second engine loading the same
program takes its compiled rules from the cache, with the same answers."""

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
