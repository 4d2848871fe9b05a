"""Disjunctions on the SQL backends (`reasoner/sql/disjunctions.py`): the alternatives of a
rule that differ only in filters run as one SELECT with `OR`, not a UNION of a SELECT per
alternative, and give the Python engine's answers; alternatives that bind a variable, read an
atom or join tables the shared atoms leave apart (or join only by a range) stay SELECTs of
their own."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.analysis import analyse  # noqa: E402
from reasoner.program import Program  # noqa: E402
from reasoner.source import SourceText  # noqa: E402
from reasoner.sql.strata import compile_program  # noqa: E402
from reasoner.syntax import parse_program  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402

SCHEMA = """
.decl a(x: symbol, y: symbol)
.decl b(x: symbol)
.decl c(x: symbol)
.decl d(x: symbol, p: symbol, q: symbol)
.decl n(x: number, y: number)
"""

# relation -> (its rules, how many SELECTs they compile to)
RULES = {
    # three disjunctions of filters (as in rules/responses.dl): 8 alternatives, one SELECT
    "pattern": (".decl pattern(x: symbol, y: symbol)\n"
                'pattern(X, Y) :- a(X, Y), d(X, P, Q), (P = Y ; P = "_", Y != P), (Q = Y ; Q = "_", Q != X),'
                ' (X = Y ; X = "" ; Y = "").', 1),
    # a negated atom among the filters, and an alternative with no filter of its own
    "negated": (".decl negated(x: symbol, y: symbol)\n"
                'negated(X, Y) :- a(X, Y), (X = Y ; !b(X) ; c(Y), X = "u").', 2),
    "always": (".decl always(x: symbol)\n"
               'always(X) :- a(X, _), (X = "u" ; true).', 1),
    # rules written apart but differing only in filters are merged too
    "apart": (".decl apart(x: symbol, y: symbol)\n"
              'apart(X, Y) :- a(X, Y), X < Y.\n'
              'apart(X, Y) :- a(X, Y), !c(Y).', 1),
    # an alternative that binds a variable: a SELECT each
    "binding": (".decl binding(x: number, y: number)\n"
                "binding(X, Y) :- n(X, _), (Y = X + 1 ; Y = X * 2).", 2),
    # an equality that would join two tables the shared atoms leave apart: a SELECT each
    "joining": (".decl joining(x: symbol, y: symbol)\n"
                "joining(X, Y) :- a(X, Y), c(Z), (Z = X ; Z = Y).", 2),
    # tables joined only by a range: an OR of equalities between them would be tested on
    # every pair (the wildcard patterns of rules/preconditions.dl), so a SELECT each, each
    # joining on its own equalities
    "ranged": (".decl ranged(x: symbol, y: symbol)\n"
               'ranged(X, Z) :- a(X, Y), d(Z, P, _), Z < X, (P = Y ; P = "_", Y != P).', 2),
    # numbers and floats through the filters; the alternatives of one written rule where one
    # is an atom: the filters' alternatives are one SELECT, the atom's another
    "numbers": (".decl numbers(x: number, y: number)\n"
                "numbers(X, Y) :- n(X, Y), (X < Y, X + Y != 7 ; X = 2 * Y ; n(Y, X)).", 2),
    "floats": (".decl floats(x: number, f: float)\n"
               "floats(X, F) :- n(X, Y), F = to_float(X) / to_float(Y), (F < 0.5 ; F >= 2.0).", 1),
}


def _selects(relation: str) -> int:
    text = SCHEMA + "\n".join(rules for rules, _ in RULES.values()) + "\n"
    analysis = analyse(Program().extend(parse_program(SourceText("disjunctions.dl", text))))
    strata = compile_program(analysis, "DuckDB", "duckdb")
    return sum(1 for stratum in strata for rule in stratum.exit_rules if rule.head == relation)


@pytest.mark.parametrize("relation", list(RULES))
def test_alternatives_that_differ_in_filters_are_one_select(relation: str) -> None:
    assert _selects(relation) == RULES[relation][1]


def _engines(seed: int, rules_first: bool) -> tuple[Engine, Engine]:
    rng = random.Random(seed)
    words = ["u", "v", "w", "_", "", "z"]
    facts = {
        "a": [(rng.choice(words), rng.choice(words)) for _ in range(40)],
        "b": [(rng.choice(words),) for _ in range(3)],
        "c": [(rng.choice(words),) for _ in range(3)],
        "d": [(rng.choice(words), rng.choice(words), rng.choice(words)) for _ in range(30)],
        "n": [(rng.randint(-3, 6), rng.randint(-3, 6)) for _ in range(40)],
    }
    made = Engine(), Engine(backend="duckdb")
    text = SCHEMA + "\n".join(rules for rules, _ in RULES.values()) + "\n"
    for engine in made:
        if rules_first:
            engine.load_text(text)
        for name, rows in facts.items():
            engine.add_facts(name, [row for row in rows if not (name == "n" and row[1] == 0)])
        if not rules_first:
            engine.load_text(text)
    return made


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rules_first", [False, True])
def test_merged_alternatives_give_the_python_engines_answers(seed: int, rules_first: bool) -> None:
    python, duckdb = _engines(seed, rules_first)
    found = differences(python, duckdb)
    assert not found, short(found)
    assert python.relation("pattern") and python.relation("negated")  # the data exercise the rules


def test_a_disjunction_in_a_recursive_rule() -> None:
    """The delta variant of merged alternatives reads the recursive atom from the delta."""
    text = """
    .decl edge(x: number, y: number, kind: symbol)
    .decl reach(x: number, y: number)
    reach(X, Y) :- edge(X, Y, _).
    reach(X, Z) :- reach(X, Y), edge(Y, Z, K), (K = "road" ; K = "rail", Z > Y).
    """
    edges = [(i, (i * 7 + 3) % 20, ["road", "rail", "air"][i % 3]) for i in range(20)]
    engines = Engine(), Engine(backend="duckdb")
    for engine in engines:
        engine.add_facts("edge", edges)
        engine.load_text(text)
    assert engines[1].relation("reach") == engines[0].relation("reach")
    analysis = analyse(Program().extend(parse_program(SourceText("reach.dl", text))))
    (stratum,) = [s for s in compile_program(analysis, "DuckDB", "duckdb") if s.recursive]
    assert len(stratum.delta_rules) == 1 and " OR " in stratum.delta_rules[0].sql


def test_facts_added_after_merged_alternatives_continue_them_as_one_select() -> None:
    """Continuing after added facts, the alternatives' variant reading the added rows is the
    group's one SELECT, the same for each alternative (the driver runs it once)."""
    text = SCHEMA + RULES["pattern"][0] + "\n"
    analysis = analyse(Program().extend(parse_program(SourceText("pattern.dl", text))))
    (stratum,) = [s for s in compile_program(analysis, "DuckDB", "duckdb") if s.stratum.rules]
    variants = {id(stratum.resume_variant(number, 0)) for number in range(len(stratum.stratum.rules))}
    assert len(stratum.stratum.rules) == 12 and len(variants) == 1  # 2 x 2 x 3 alternatives
    assert '"a added"' in stratum.resume_variant(3, 0).sql and " OR " in stratum.resume_variant(3, 0).sql
