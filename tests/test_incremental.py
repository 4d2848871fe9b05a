"""Incremental evaluation: facts added to an evaluated engine give the same relations as a
fresh evaluation of everything, and an addition that fails leaves the engine as it was.

The programs are the differential test's random stratified programs (recursion, mutual
recursion, negation and aggregates of lower strata, comparisons, constants, wildcards): their
facts are fed in random batches through `add_facts`, and after every batch each relation must
equal what a fresh engine derives from the facts so far.
"""

from __future__ import annotations

import random

import attrs
import pytest

from reasoner import Engine
from reasoner import engine as engine_module
from reasoner.errors import LimitError

pytest.importorskip("pyDatalog")

from pydatalog_oracle import to_souffle  # noqa: E402
from test_differential import generate_program  # noqa: E402


def _full(program, facts: dict[str, set]) -> dict[str, set]:
    engine = Engine()
    text_facts = tuple((name, row) for name, rows in facts.items() for row in sorted(rows))
    engine.load_text(to_souffle(attrs.evolve(program, facts=text_facts)))
    return {name: engine.relation(name) for name, _ in program.relations}


@pytest.fixture
def always_update(monkeypatch):
    """Continue the evaluation on every addition, however large (the engine evaluates a
    large addition afresh, which would leave `update` untested on these small programs)."""
    monkeypatch.setattr(engine_module, "UPDATE_FRACTION", float("inf"))


@pytest.mark.parametrize("seed", range(200))
def test_batches_of_facts_agree_with_a_fresh_evaluation(seed, always_update):
    program = generate_program(seed)
    rng = random.Random(seed)
    engine = Engine()
    engine.load_text(to_souffle(attrs.evolve(program, facts=())))
    pending = list(program.facts)
    rng.shuffle(pending)
    so_far: dict[str, set] = {}
    while pending:
        cut = rng.randint(1, 4)
        batch, pending = pending[:cut], pending[cut:]
        grouped: dict[str, list] = {}
        for name, row in batch:
            grouped.setdefault(name, []).append(row)
        for name, rows in grouped.items():
            engine.add_facts(name, rows)
            so_far.setdefault(name, set()).update(rows)
        expected = _full(program, so_far)
        got = {name: engine.relation(name) for name, _ in program.relations}
        assert got == expected, f"after adding {batch}:\n{to_souffle(program)}"


def test_an_addition_that_crosses_a_limit_changes_nothing(always_update):
    engine = Engine(max_tuples=1_000)
    engine.load_text("""
        .decl edge(x: number, y: number)
        .decl path(x: number, y: number)
        path(X, Y) :- edge(X, Y).
        path(X, Z) :- path(X, Y), edge(Y, Z).
        .decl unreachable(x: number)
        unreachable(X) :- edge(X, _), !path(0, X).
    """)
    engine.add_facts("edge", [(i, i + 1) for i in range(20)])
    before = {name: engine.relation(name) for name in ("edge", "path", "unreachable")}
    with pytest.raises(LimitError):
        engine.add_facts("edge", [(i, i + 1) for i in range(20, 60)])
    after = {name: engine.relation(name) for name in ("edge", "path", "unreachable")}
    assert after == before
    # The engine still works, and a later addition continues from the state before the failure.
    engine.add_facts("edge", [(100, 101)])
    assert engine.query("path(100, X)") == [{"X": 101}]
    assert len(engine.relation("path")) == len(before["path"]) + 1


def test_an_interrupted_addition_changes_nothing(monkeypatch, always_update):
    engine = Engine()
    engine.load_text("""
        .decl edge(x: number, y: number)
        .decl path(x: number, y: number)
        path(X, Y) :- edge(X, Y).
        path(X, Z) :- path(X, Y), edge(Y, Z).
    """)
    engine.add_facts("edge", [(i, i + 1) for i in range(30)])
    before = engine.relation("path")
    calls = 0

    def interrupt(self):
        nonlocal calls
        calls += 1
        if calls > 50:
            raise KeyboardInterrupt
        return 1

    from reasoner.limits import Budget

    original = Budget.check
    Budget.check = interrupt
    try:
        with pytest.raises(KeyboardInterrupt):
            engine.add_facts("edge", [(i, i + 1) for i in range(30, 60)])
    finally:
        Budget.check = original
    assert engine.relation("path") == before
    assert engine.query("path(0, 31)") == []
    engine.add_facts("edge", [(30, 31)])
    assert engine.query("path(0, 31)") == [{}]


def test_negation_above_an_addition_is_recomputed(always_update):
    engine = Engine()
    engine.load_text("""
        .decl node(x: symbol)
        .decl edge(x: symbol, y: symbol)
        .decl reach(x: symbol)
        reach("a").
        reach(Y) :- reach(X), edge(X, Y).
        .decl cut_off(x: symbol)
        cut_off(X) :- node(X), !reach(X).
        .decl isolated_count(n: number)
        isolated_count(N) :- N = count : cut_off(_).
    """)
    engine.add_facts("node", [("a",), ("b",), ("c",)])
    assert engine.query("isolated_count(N)") == [{"N": 2}]
    engine.add_facts("edge", [("a", "b")])
    assert engine.relation("cut_off") == {("c",)}
    assert engine.query("isolated_count(N)") == [{"N": 1}]
    engine.add_facts("edge", [("b", "c")])
    assert engine.relation("cut_off") == set()
    assert engine.query("isolated_count(N)") == [{"N": 0}]


EXTRA_EVENTS = '''source s900 "Moscow expels diplomats" outlet Analyst published 2025-10-28 file "900.txt"
event rus_expels 2025-10-28 RUS expel_diplomats USA responds_to us_oil_sanctions
    cite s900 "Moscow expelled two US diplomats on Tuesday."
'''


def test_events_added_to_the_corpus_agree_with_a_fresh_load_and_are_explained(tmp_path):
    from reasoner.resources import data_dir

    engine = Engine()
    engine.load(data_dir("rules"), data_dir("corpus"))
    engine.load_text(EXTRA_EVENTS, name="extra.events", kind="events")
    extra = tmp_path / "extra.events"
    extra.write_text(EXTRA_EVENTS, encoding="utf-8")
    fresh = Engine()
    fresh.load(data_dir("rules"), data_dir("corpus"), extra)
    for name in fresh.relations():
        assert engine.relation(name) == fresh.relation(name), name
    assert engine.query('escalation_step(E, "rus_expels")') == [{"E": "us_oil_sanctions"}]
    proof = engine.explain('escalation_step("us_oil_sanctions", "rus_expels")')
    quotes = {q.text for node in proof.root.walk() if node.origin is not None for q in node.origin.quotes}
    assert "Moscow expelled two US diplomats on Tuesday." in quotes
    assert any(q.startswith("This past Wednesday, US Treasury Secretary Scott Bessent") for q in quotes)
