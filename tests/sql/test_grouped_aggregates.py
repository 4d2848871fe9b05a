"""Aggregates on the SQL backends as one GROUP BY joined to the rule (`rules._grouped`), not a
LATERAL subquery per row, where the aggregate's body binds what it shares with the rule: the
Python engine's answers (a count or sum over no match is 0, a min, max or mean over none does
not fire; each distinct binding once where Soufflé materialises the body); and a rule whose
rows are distinct already (`distinctness.py`) is inserted without `SELECT DISTINCT`, and a range
join only for the rows whose atom repeats the values the head holds."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.analysis import analyse  # noqa: E402
from reasoner.program import Program  # noqa: E402
from reasoner.source import SourceText  # noqa: E402
from reasoner.sql.strata import RuleSql, compile_program  # noqa: E402
from reasoner.syntax import parse_program  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402

PROGRAM = """
.decl e(x: number, y: number)
.decl w(x: number, f: float)
.decl node(x: number)
node(X) :- e(X, _).
node(Y) :- e(_, Y).
node(X) :- w(X, _).
.decl degree(x: number, n: number)
degree(X, N) :- node(X), N = count : e(X, _).
.decl two_step(x: number, n: number)
two_step(X, N) :- node(X), N = count : { e(X, Y), e(Y, _) }.
.decl weight(x: number, n: number)
weight(X, N) :- node(X), N = sum Y : { e(X, Y), e(Y, _) }.
.decl float_weight(x: number, f: float)
float_weight(X, F) :- node(X), F = sum G : w(X, G).
.decl least_above(x: number, n: number)
least_above(X, N) :- node(X), N = min Y : { e(X, Y), Y > X }.
.decl most(x: number, n: number)
most(X, N) :- e(X, _), N = max Y : e(X, Y).
.decl average(x: number, f: float)
average(X, F) :- node(X), F = mean G : { w(Y, G), e(X, Y) }.
.decl shifted(x: number, n: number)
shifted(X, N) :- node(X), N = count : { e(Y, _), Y = X + 1 }.
.decl bounded(x: number, n: number)
bounded(X, N) :- node(X), N = count : { e(Y, _), Y < X }.
.decl total(n: number)
total(N) :- N = sum Y : e(_, Y).
"""

# relation -> whether its aggregate is a GROUP BY joined to the rule
GROUPED = {"degree": True, "two_step": True, "weight": True, "float_weight": True, "least_above": True,
           "most": True, "average": True, "shifted": False, "bounded": False, "total": False}


def _compiled() -> dict[str, RuleSql]:
    analysis = analyse(Program().extend(parse_program(SourceText("aggregates.dl", PROGRAM))))
    return {rule.head: rule for stratum in compile_program(analysis, "DuckDB", "duckdb") for rule in stratum.exit_rules}


@pytest.mark.parametrize("relation", list(GROUPED))
def test_an_aggregate_that_binds_what_it_shares_is_grouped(relation: str) -> None:
    sql = _compiled()[relation].sql
    assert ("GROUP BY" in sql) == GROUPED[relation], sql
    assert ("LATERAL" in sql) == (not GROUPED[relation]), sql


@pytest.mark.parametrize("seed", range(4))
def test_grouped_aggregates_give_the_python_engines_answers(seed: int) -> None:
    rng = random.Random(seed)
    edges = [(rng.randint(0, 9), rng.randint(0, 9)) for _ in range(25)]
    weights = [(rng.randint(0, 9), rng.choice([0.5, 1.25, -2.0, 3.0])) for _ in range(8)] + [(20, 1.0)]
    made = Engine(), Engine(backend="duckdb")
    for engine in made:
        engine.add_facts("e", edges)
        engine.add_facts("w", weights)
        engine.load_text(PROGRAM)
    found = differences(*made)
    assert not found, short(found)
    python = made[0]
    assert any(n == 0 for _, n in python.relation("degree"))  # a count over no match
    assert python.size("least_above") < python.size("node")  # a min over none does not fire


def test_rows_distinct_already_are_not_made_distinct() -> None:
    compiled = _compiled()
    # the head holds every column of every atom: each row once
    assert compiled["degree"].distinct and compiled["least_above"].distinct
    # `most` reads e(X, _): several rows of e give one row of the head
    assert not compiled["most"].distinct and not compiled["node"].distinct


INTERVALS = """
.decl holds_for(f: symbol, s: number, e: number)
.decl day(d: number)
.decl holds_at(f: symbol, d: number)
holds_at(F, D) :- holds_for(F, S, E), day(D), S <= D, D <= E.
"""


def test_a_range_join_is_made_distinct_only_where_its_atom_repeats_a_key() -> None:
    """`holds_at`: fluents with one interval give their rows as they are, the others' rows
    (overlapping intervals of "b", disjoint ones of "c") are made distinct."""
    analysis = analyse(Program().extend(parse_program(SourceText("intervals.dl", INTERVALS))))
    (rule,) = [r for s in compile_program(analysis, "DuckDB", "duckdb") for r in s.exit_rules]
    assert not rule.distinct and "UNION ALL" in rule.distinct_sql and "HAVING" in rule.distinct_sql
    made = Engine(), Engine(backend="duckdb")
    for engine in made:
        engine.add_facts("holds_for", [("a", 1, 3), ("b", 2, 5), ("b", 4, 8), ("c", 1, 2), ("c", 6, 7)])
        engine.add_facts("day", [(d,) for d in range(10)])
        engine.load_text(INTERVALS)
    assert made[1].relation("holds_at") == made[0].relation("holds_at")
    assert {d for f, d in made[0].relation("holds_at") if f == "b"} == {2, 3, 4, 5, 6, 7, 8}


UNSIGNED_SUMS = """
.decl v(x: unsigned)
v(4000000000u). v(3000000000u). v(5u).
.decl g(k: number, x: unsigned)
g(1, 4000000000u). g(1, 3000000000u). g(2, 7u).
.decl total(s: unsigned)
total(S) :- S = sum X : v(X).
.decl per(k: number, s: unsigned)
per(K, S) :- g(K, _), S = sum X : g(K, X).
"""


def test_an_unsigned_sum_wraps_around_as_in_the_python_engine() -> None:
    python, sql = Engine(), Engine(backend="duckdb")
    python.load_text(UNSIGNED_SUMS)
    sql.load_text(UNSIGNED_SUMS)
    assert set(python.relation("total")) == {(7_000_000_005 % 2**32,)}
    assert not differences(python, sql), short(differences(python, sql))
