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
from reasoner import commit as commit_module
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
    """Continue the evaluation on every addition, however large, and update non-recursive
    strata group by group however many tuples change (the engine evaluates a large addition
    afresh and recomputes a stratum whose inputs changed much, which would leave `update` and
    `regroup` little tested on these small programs)."""
    from reasoner import update as evaluate_update

    monkeypatch.setattr(commit_module, "UPDATE_FRACTION", float("inf"))
    monkeypatch.setattr(evaluate_update, "REGROUP_FRACTION", float("inf"))


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

    def interrupt(self, made=0):
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
    # expulsions answering sanctions: an answer in kind (rules/escalation.dl), not a step up
    assert engine.query('reciprocation(E, "rus_expels")') == [{"E": "us_oil_sanctions"}]
    assert engine.query('escalation_step(_, "rus_expels")') == []
    proof = engine.explain('reciprocation("us_oil_sanctions", "rus_expels")')
    quotes = {q.text for node in proof.root.walk() if node.origin is not None for q in node.origin.quotes}
    assert "Moscow expelled two US diplomats on Tuesday." in quotes
    assert any(q.startswith("This past Wednesday, US Treasury Secretary Scott Bessent") for q in quotes)


# ---- plans that grow their indexes instead of building them ------------------------------------
@pytest.fixture
def frugal_variants(monkeypatch):
    """Every delta variant that would build an index runs its frugal plan (reading relations
    in full) while that index grows one row per run, then its eager plan once it is complete:
    the states a large engine goes through, on these small programs."""
    from reasoner import relation as relation_module
    from reasoner.variants import Variants

    monkeypatch.setattr(relation_module, "SMALL_RELATION", 0)

    def choose(eager, frugal, relations, delta_size):
        missing = [(name, columns) for name, columns in set(eager.indexes) - set(frugal.indexes)
                   if name in relations and not relations[name].has_index(columns)]
        for name, columns in missing:
            relations[name].grow_index(columns, 1)
        return frugal if missing else eager

    monkeypatch.setattr(Variants, "choose", staticmethod(choose))


@pytest.mark.parametrize("seed", range(0, 200, 2))
def test_frugal_plans_and_growing_indexes_agree_with_a_fresh_evaluation(seed, always_update,
                                                                         frugal_variants):
    test_batches_of_facts_agree_with_a_fresh_evaluation(seed, always_update)


# ---- one update adding to several relations (as an events file does) ----------------------------
def test_facts_added_at_once_to_several_relations_reach_the_strata_above():
    from reasoner.update import update

    engine = Engine()
    engine.load_text("""
        .decl a(x: number)
        .decl c(x: number)
        .decl e(x: number, y: number)
        .decl b(x: number)
        .decl d(x: number)
        b(X) :- a(X), !c(X).
        b(X) :- e(X, Y), b(Y).
        d(X) :- b(X).
        a(1). a(5).
    """)
    state = engine._state
    base = {"a": {(1,), (5,)}, "c": {(9,)}, "b": {(7,)}}
    # `b` is recomputed (its negated input `c` grew); its own new fact must still reach `d`.
    result = update(state.plans, state.evaluation, base, {"c": {(9,)}, "b": {(7,)}}, state.context)
    assert result.relations["b"].tuples == {(1,), (5,), (7,)}
    assert result.relations["d"].tuples == {(1,), (5,), (7,)}


# ---- non-recursive strata updated group by group ------------------------------------------------
GROUPED = """
    .decl sale(shop: symbol, item: symbol, price: number)
    .decl shop(shop: symbol)
    .decl closed(shop: symbol)
    .decl summary(shop: symbol, n: number, total: number, top: number)
    summary(S, N, T, M) :- shop(S), N = count : sale(S, _, _), T = sum P : sale(S, _, P),
                           M = max P : sale(S, _, P).
    .decl open_shop(shop: symbol)
    open_shop(S) :- shop(S), !closed(S).
    .decl busiest(n: number)
    busiest(N) :- N = max C : summary(_, C, _, _).
    summary("ghost", 0, 0, 0).
"""


def _grouped_engine():
    engine = Engine()
    engine.load_text(GROUPED)
    engine.add_facts("shop", [("a",), ("b",), ("c",)])
    engine.add_facts("sale", [("a", "x", 3), ("a", "y", 4), ("b", "x", 10)])
    return engine


def _fresh(engine) -> dict[str, set]:
    """The relations of one evaluation of GROUPED over the input facts `engine` holds."""
    from reasoner.explain.search import fact_text

    facts = "".join(f"{fact_text(name, row)}.\n"
                    for name in ("shop", "sale", "closed") for row in sorted(engine.relation(name)))
    fresh = Engine()
    fresh.load_text(GROUPED + facts)
    return {name: fresh.relation(name) for name in fresh.relations()}


def test_an_aggregate_is_redone_for_the_groups_that_grew_only(always_update, monkeypatch):
    engine = _grouped_engine()
    from reasoner.evaluate import Fixpoint
    from reasoner.update import Updating

    redone: list[tuple] = []
    original = Fixpoint.run

    def spy(self, plan, delta, out, feeder, function=None):
        if "[groups" in plan.source.splitlines()[0]:
            redone.extend(delta)
        return original(self, plan, delta, out, feeder, function)

    monkeypatch.setattr(Fixpoint, "run", spy)
    monkeypatch.setattr(Updating, "recompute", None)  # no stratum is recomputed afresh
    engine.add_facts("sale", [("a", "z", 5)])
    assert engine.query('summary("a", N, T, M)') == [{"N": 3, "T": 12, "M": 5}]
    assert engine.query('summary("b", N, T, M)') == [{"N": 1, "T": 10, "M": 10}]
    assert engine.query("busiest(N)") == [{"N": 3}]
    assert set(redone) == {("a",), ()}  # shop a's group; `busiest` has one group
    assert {name: engine.relation(name) for name in engine.relations()} == _fresh(engine)


def test_a_negation_that_became_false_takes_its_tuples_away(always_update):
    engine = _grouped_engine()
    assert engine.relation("open_shop") == {("a",), ("b",), ("c",)}
    engine.add_facts("closed", [("b",)])
    assert engine.relation("open_shop") == {("a",), ("c",)}
    engine.add_facts("sale", [("c", "x", 1), ("c", "y", 1)])
    assert {name: engine.relation(name) for name in engine.relations()} == _fresh(engine)


def test_base_facts_of_a_regrouped_relation_stay(always_update):
    engine = _grouped_engine()
    engine.add_facts("shop", [("ghost",)])  # the ghost's group is touched by nothing
    engine.add_facts("sale", [("ghost", "x", 7)])  # now it is: the derived row joins the fact
    assert engine.query('summary("ghost", N, T, M)') == [{"N": 0, "T": 0, "M": 0},
                                                        {"N": 1, "T": 7, "M": 7}]


def test_an_interrupted_regroup_puts_everything_back(always_update, monkeypatch):
    engine = _grouped_engine()
    before = {name: engine.relation(name) for name in engine.relations()}
    from reasoner.evaluate import Fixpoint

    original = Fixpoint.insert

    def interrupt(self, out, feeder, round_):
        if "summary" in out:
            raise KeyboardInterrupt
        return original(self, out, feeder, round_)

    monkeypatch.setattr(Fixpoint, "insert", interrupt)
    with pytest.raises(KeyboardInterrupt):
        engine.add_facts("sale", [("a", "z", 5), ("b", "y", 1)])
    monkeypatch.setattr(Fixpoint, "insert", original)
    assert {name: engine.relation(name) for name in engine.relations()} == before
    engine.add_facts("sale", [("a", "z", 5)])
    assert {name: engine.relation(name) for name in engine.relations()} == _fresh(engine)


def test_a_regrouped_tuple_is_explained(always_update):
    engine = _grouped_engine()
    engine.add_facts("sale", [("a", "z", 5)])
    proof = engine.explain('summary("a", 3, 12, 5)')
    facts = {node.text for node in proof.root.walk()}
    assert 'sale("a", "z", 5)' in facts and 'shop("a")' in facts


# ---- layered programs: negation and aggregates over strata that gain and lose tuples ------------
RULE_SHAPES = (
    "{h}(X, Y) :- {p}(X, Z), {q}(Z, Y).",
    "{h}(X, Y) :- {p}(X, Y), !{q}(Y, X).",
    "{h}(X, Y) :- {p}(X, Y), !{q}(X, _).",
    "{h}(X, N) :- {p}(X, _), N = count : {q}(X, _).",
    "{h}(X, N) :- {p}(X, _), N = sum Y : {q}(X, Y).",
    "{h}(X, N) :- {p}(_, X), N = max Y : {{ {q}(X, Y), {s}(Y, _) }}.",
    "{h}(X, N) :- {p}(X, Y), !{q}(Y, Y), N = min Z : {{ {s}(X, Z), !{q}(Z, X) }}.",
    "{h}(N, N) :- N = count : {p}(_, _).",
    "{h}(X, X) :- {p}(X, _), N = count : {q}(_, X), N > 1.",
)


def layered_program(seed: int) -> tuple[str, list[str]]:
    """Base relations b0..b2 and four layers of non-recursive relations, each defined by one or
    two rules of the shapes above over lower relations (all binary, over numbers)."""
    rng = random.Random(seed)
    lower = ["b0", "b1", "b2"]
    lines = [f".decl {name}(x: number, y: number)" for name in lower]
    for layer in range(1, 5):
        for number in range(rng.randint(1, 2)):
            head = f"l{layer}_{number}"
            lines.append(f".decl {head}(x: number, y: number)")
            for _ in range(rng.randint(1, 2)):
                p, q, s = (rng.choice(lower) for _ in range(3))
                lines.append(rng.choice(RULE_SHAPES).format(h=head, p=p, q=q, s=s))
            lower.append(head)
    return "\n".join(lines), lower


@pytest.mark.parametrize("regroup", [True, False], ids=["regroup", "recompute"])
@pytest.mark.parametrize("seed", range(60))
def test_layered_negation_and_aggregates_agree_with_a_fresh_evaluation(seed, regroup, always_update,
                                                                       monkeypatch):
    if not regroup:
        from reasoner import update as evaluate_update

        monkeypatch.setattr(evaluate_update, "REGROUP_FRACTION", -1.0)  # every such stratum recomputed
    text, names = layered_program(seed)
    rng = random.Random(seed)
    engine = Engine()
    engine.load_text(text)
    so_far: dict[str, set] = {}
    for _ in range(8):
        name = rng.choice(["b0", "b1", "b2"])
        rows = {(rng.randrange(5), rng.randrange(5)) for _ in range(rng.randint(1, 3))}
        engine.add_facts(name, rows)
        so_far.setdefault(name, set()).update(rows)
        fresh = Engine()  # one evaluation of the rules and every fact so far
        fresh.load_text(text + "\n" + "".join(f"{base_name}({x}, {y}).\n" for base_name, base_rows
                                              in so_far.items() for x, y in sorted(base_rows)))
        for relation in names:
            assert engine.relation(relation) == fresh.relation(relation), f"{relation} after {name} {rows}:\n{text}"


def test_a_small_addition_grows_an_index_on_a_large_relation_instead_of_building_it(always_update):
    text = """
        .decl node(x: number, group: number)
        .decl pair(x: number, y: number)
        pair(X, Y) :- node(X, G), node(Y, G), X != Y.
        .decl weight(x: number, y: number, w: number)
        weight(X, Y, A + B) :- pair(X, Y), node(X, A), node(Y, B).
    """
    nodes = [(n, n % 300) for n in range(3_000)]  # 300 groups of 10: 27,000 pairs
    engine = Engine()
    engine.load_text(text)
    engine.add_facts("node", nodes)
    pair = lambda: engine._state.evaluation.relations["pair"]  # noqa: E731
    assert len(pair()) == 27_000 and not pair().has_index((0,))
    left = []  # rows the index on pair's first column has still to take in, after each addition
    while not left or left[-1]:
        engine.add_facts("node", [(10_000 + len(left), len(left))])
        left.append(pair().rows_to_index((0,)))
        assert len(left) < 100
    # each addition reads `node` (3,000 rows) in full and indexes a quarter as many pairs
    assert left[0] > 0 and left == sorted(left, reverse=True) and len(left) > 10
    fresh = Engine()
    fresh.load_text(text + "".join(f"node({x}, {g}).\n" for x, g in engine.relation("node")))
    assert engine.relation("weight") == fresh.relation("weight")
