"""`eqrel` relations, stored as their classes (`reasoner.eqrel`), hold what the closure rules
would derive: every pair the stated ones link, each value with itself, in both directions.

Random programs state pairs of an `eqrel` (as facts and through a rule), grow it through a
recursive rule that reads it, and read it from a later stratum (a join, a negation, a count).
Each is run twice: with the `eqrel`, and with a plain relation and the three closure rules
written out; every relation must come out the same, after the first load and after facts are
added and retracted batch by batch (the evaluation is then updated, not redone).
"""

from __future__ import annotations

import random

import pytest

from reasoner import Engine
from reasoner import commit as commit_module
from reasoner import update as update_module
from reasoner.eqrel import EqrelRelation

CLOSURE = """
same(X, X) :- same(X, _).
same(Y, X) :- same(X, Y).
same(X, Z) :- same(X, Y), same(Y, Z).
"""

PROGRAM = """
.decl stated(a: number, b: number)
.decl hop(a: number, b: number)
.decl same(a: number, b: number) {qualifier}
same(A, B) :- stated(A, B).
same(A, C) :- same(A, B), hop(B, C), C < {bound}.
.decl alone(a: number)
alone(A) :- hop(A, _), !same(A, 0).
.decl class_size(a: number, n: number)
class_size(A, N) :- same(A, _), N = count : same(A, _).
.decl across(a: number, b: number)
across(A, C) :- same(A, B), hop(B, C), !same(A, C).
{closure}
"""

RELATIONS = ("same", "alone", "class_size", "across")


def _engines(seed: int) -> tuple[Engine, Engine, random.Random]:
    rng = random.Random(seed)
    bound = rng.randint(5, 30)
    eqrel = Engine()
    eqrel.load_text(PROGRAM.format(qualifier="eqrel", bound=bound, closure=""))
    plain = Engine()
    plain.load_text(PROGRAM.format(qualifier="", bound=bound, closure=CLOSURE))
    return eqrel, plain, rng


def _pairs(rng: random.Random, count: int, values: int) -> list[tuple[int, int]]:
    return [(rng.randrange(values), rng.randrange(values)) for _ in range(count)]


def _agree(eqrel: Engine, plain: Engine) -> None:
    for name in RELATIONS:
        assert eqrel.relation(name) == plain.relation(name), name
        assert eqrel.size(name) == plain.size(name), name


@pytest.mark.parametrize("seed", range(40))
def test_eqrel_holds_the_closure_after_each_change(seed, monkeypatch):
    monkeypatch.setattr(commit_module, "UPDATE_FRACTION", float("inf"))  # always update in place,
    monkeypatch.setattr(update_module, "REGROUP_FRACTION", float("inf"))  # readers group by group
    eqrel, plain, rng = _engines(seed)
    values = rng.randint(4, 25)
    added: list[tuple[str, tuple[int, int]]] = []
    for _ in range(6):
        if added and rng.random() < 0.3:
            name, row = added.pop(rng.randrange(len(added)))
            for engine in (eqrel, plain):
                engine.retract_facts(name, [row])
        else:
            name = rng.choice(("stated", "hop", "same"))
            rows = _pairs(rng, rng.randint(1, 6), values)
            for engine in (eqrel, plain):
                engine.add_facts(name, rows)
            added += [(name, row) for row in rows]
        _agree(eqrel, plain)


def test_a_class_is_stored_as_its_members_not_its_pairs():
    engine = Engine()
    engine.load_text(".decl same(a: number, b: number) eqrel\n.decl chain(a: number, b: number)\n"
                     "same(A, B) :- chain(A, B).\n")
    engine.add_facts("chain", [(i, i + 1) for i in range(2_999)])
    assert engine.size("same") == 3_000 * 3_000
    stored = engine.state.relations["same"]
    assert isinstance(stored, EqrelRelation)
    assert len(stored.linking((0, 2_999))) == 2_999  # the path of stated pairs from 0 to 2,999
    assert (2_999, 0) in stored.tuples and (0, 3_000) not in stored.tuples


def test_explaining_a_pair_names_the_stated_pairs_that_link_it():
    engine = Engine()
    engine.load_text('.decl same(a: symbol, b: symbol) eqrel\nsame("a", "b"). same("c", "b").\n'
                     'same("d", "d").\n')
    proof = engine.explain('same("a", "c")')
    assert str(proof.root.rule) == "same(A, C) :- same(A, B), same(C, B)."
    assert [child.text for child in proof.root.children] == ['same("a", "b")', 'same("c", "b")']
    assert all(child.kind == "fact" for child in proof.root.children)
    itself = engine.explain('same("b", "b")')
    assert str(itself.root.rule) == "same(A, A) :- same(B, A)."
    assert [child.text for child in itself.root.children] == ['same("a", "b")']
    assert engine.explain('same("d", "d")').root.kind == "fact"
    assert engine.why_not('same("a", "d")').note == (
        'no rule derives `same`; it is an equivalence (`eqrel`) whose pairs do not link "a" and "d" '
        '("a" in a class of 3 values, "d" in a class of 1 value)')


def test_a_second_load_joins_classes_and_its_rules_read_them():
    engine = Engine()
    engine.load_text('.decl same(a: symbol, b: symbol) eqrel\nsame("a", "b").\n', name="first.dl")
    engine.load_text('same("b", "c").\n.decl grouped(a: symbol, n: number)\n'
                     'grouped(A, N) :- same(A, _), N = count : same(A, _).\n', name="second.dl")
    assert engine.relation("grouped") == {("a", 3), ("b", 3), ("c", 3)}
    proof = engine.explain('same("c", "a")')
    assert [(child.text, child.origin.span.file) for child in proof.root.children] == [
        ('same("b", "c")', "second.dl"), ('same("a", "b")', "first.dl")]


def _closure(pairs) -> set[tuple[int, int]]:
    """The equivalence `pairs` generate, computed the slow way (for comparison)."""
    classes: dict[int, set[int]] = {}
    for a, b in pairs:
        joined = classes.get(a, {a}) | classes.get(b, {b})
        for value in joined:
            classes[value] = joined
    return {(a, b) for a, members in classes.items() for b in members}


@pytest.mark.parametrize("seed", range(30))
def test_the_storage_reports_exactly_the_pairs_each_insertion_adds(seed):
    rng = random.Random(seed)
    relation = EqrelRelation("same", 2, _pairs(rng, rng.randint(0, 5), 30))
    inserted = list(relation.tuples)
    for _ in range(8):
        before = set(relation.tuples)
        rows = set(_pairs(rng, rng.randint(1, 8), 30)) - before
        added = relation.insert_new(rows, 1)
        after = _closure(inserted + list(rows))
        assert set(relation.tuples) == after and len(relation) == len(after)
        assert sorted(added) == sorted(after - before)  # each new pair once
        assert len(added) == len(after - before)
        assert all((pair in added) == (pair in after - before) for pair in after | before)
        old = EqrelRelation("old", 2, before).tuples
        assert relation.tuples - old == after - before and old - relation.tuples == set()
        assert old <= relation.tuples and (relation.tuples <= old) == (after == before)
        value = rng.randrange(30)
        assert set(relation.index((0,)).get(value, ())) == {p for p in after if p[0] == value}
        assert set(relation.index((1,)).get(value, ())) == {p for p in after if p[1] == value}
        if rng.random() < 0.3:  # undone, as a failed update undoes it
            relation.remove(rows)
            assert set(relation.tuples) == before
        else:
            inserted += list(rows)
