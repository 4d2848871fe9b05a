"""Retraction and what-if snapshots (issue 17): after `response_window(60).` a session can go
back; `Engine.retract_facts` / `Engine.retract` go through the incremental update, atomically;
`Engine.snapshot` / `Engine.restore` swap whole states."""

from __future__ import annotations

import datetime

import pytest

from reasoner import Engine, LimitError, LoadError
from reasoner.repl import default_files

PROGRAM = """
.decl edge(a: number, b: number)
.decl path(a: number, b: number)
.decl cut(a: number)
.decl reach_count(a: number, n: number)
.decl p(x: number)
.decl q(x: number)
edge(1, 2). edge(2, 3). edge(3, 4).
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
cut(X) :- edge(X, _), !path(_, X).
reach_count(X, N) :- edge(X, _), N = count : path(X, _).
q(1).
p(X) :- q(X).
p(2).
"""


def everything(engine: Engine) -> dict[str, set]:
    return {name: engine.relation(name) for name in engine.relations()}


def small() -> Engine:
    engine = Engine()
    engine.load_text(PROGRAM, name="p.dl")
    return engine


def test_retract_a_fact_of_rule_text_recursion_negation_aggregate():
    engine = small()
    engine.retract("edge(2, 3)")
    fresh = Engine()
    fresh.load_text(PROGRAM.replace("edge(2, 3). ", ""), name="p.dl")
    assert everything(engine) == everything(fresh)
    assert engine.query("path(1, X)") == [{"X": 2}]


def test_retract_added_facts_goes_back():
    engine = small()
    before = everything(engine)
    engine.add_facts("edge", [(4, 5), (5, 1)])
    assert everything(engine) != before
    engine.retract_facts("edge", [(4, 5), (5, 1)])
    assert everything(engine) == before


def test_a_fact_its_rules_derive_still_holds():
    engine = small()
    engine.retract("p(2)")
    assert engine.relation("p") == {(1,)}
    engine.retract("q(1)")
    assert engine.relation("p") == set()


def test_not_a_stated_fact_changes_nothing():
    engine = small()
    before = everything(engine)
    with pytest.raises(LoadError, match=r"path\(1, 3\) is not a stated fact: it is derived by rules"):
        engine.retract("path(1, 3)")
    with pytest.raises(LoadError, match="it does not hold"):
        engine.retract_facts("edge", [(1, 2), (9, 9)])  # all or nothing: edge(1, 2) stays
    assert everything(engine) == before


def test_a_failed_retraction_is_undone():
    engine = small()
    engine.add_facts("edge", [(4, 1)])  # a cycle: path grows to 16 tuples
    before = everything(engine)
    engine.set_limits(max_tuples=3)
    with pytest.raises(LimitError):
        engine.retract("edge(4, 1)")  # path is recomputed, and stops at its limit
    assert everything(engine) == before


@pytest.fixture(scope="module")
def corpus_engine():
    engine = Engine()
    engine.load(*default_files())
    return engine


def test_response_window_and_as_of_go_back(corpus_engine):
    engine = corpus_engine
    before = everything(engine)
    engine.load_text("response_window(60).", name="<input 1>")
    assert everything(engine) != before
    engine.retract("response_window(60)")
    assert everything(engine) == before
    engine.add_facts("as_of_setting", [(datetime.date(2025, 8, 1),)])
    assert everything(engine) != before
    engine.retract_facts("as_of_setting", [(datetime.date(2025, 8, 1),)])
    assert everything(engine) == before


def test_snapshot_and_restore():
    engine = small()
    before = everything(engine)
    snapshot = engine.snapshot()
    engine.add_facts("edge", [(4, 5)])  # an update in place: the snapshot's relations are copied first
    engine.retract("q(1)")
    changed = everything(engine)
    assert changed != before
    engine.restore(snapshot)
    assert everything(engine) == before
    engine.add_facts("edge", [(4, 6)])
    engine.restore(snapshot)  # again: the snapshot did not change
    assert everything(engine) == before
    with pytest.raises(ValueError):
        Engine().restore(snapshot)
