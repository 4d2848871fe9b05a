"""A negation-heavy program: our engine, pyDatalog 0.22.4, clingo and a hand-written loop.

Input (seed 13), at scale n: nodes 0..n-1; 1.5 n random directed edges (distinct, no
self-loops); 20 source nodes; `passable` for 80% of the nodes; two relations `a` and `b` of 1.5 n
distinct random pairs each over 0..999 x 0..(n/200 - 1), which share about a third of their
pairs. n = 200,000, and n = 500 for the group with pyDatalog (about 25 s there; 1,000 nodes
took it about 100 s).

Six strata, each reading the negation of a lower one:

    reach(X)          :- source(X).
    reach(Y)          :- reach(X), edge(X, Y).
    unreached(X)      :- node(X), !reach(X).                        // nodes not reachable
    blocked(X)        :- node(X), !passable(X).
    safe(X)           :- source(X), !blocked(X).
    safe(Y)           :- safe(X), edge(X, Y), !blocked(Y).          // recursion through negation below
    cut_off(X)        :- reach(X), !safe(X).                        // reachable, but only through blocked nodes
    safe_pred(X)      :- edge(Y, X), safe(Y).
    fringe(X)         :- cut_off(X), !safe_pred(X).
    only_a(X, Y)      :- a(X, Y), !b(X, Y).                          // set differences of large relations
    only_b(X, Y)      :- b(X, Y), !a(X, Y).
    mixed(X, Y)       :- only_a(X, Y), !unreached(X), !fringe(Y).

Every peer's sizes of the seven answers (unreached, safe, cut_off, fringe, only_a, only_b, mixed)
are compared with the hand loop's; ours's contents too (outside the timed region). `ours` is
timed from an empty engine (rules, then `add_facts` relation by relation, each a commit: the
negated strata are recomputed as their inputs arrive, and the input's validation is included);
`ours_evaluation_only` times loading the rules on an engine that already holds the facts.
"""

from __future__ import annotations

import random

import pytest

import peers

SEED = 13
ANSWERS = ("unreached", "safe", "cut_off", "fringe", "only_a", "only_b", "mixed")

DECLS = """
.decl node(x: number)
.decl edge(x: number, y: number)
.decl source(x: number)
.decl passable(x: number)
.decl a(x: number, y: number)
.decl b(x: number, y: number)
.decl reach(x: number)
.decl unreached(x: number)
.decl blocked(x: number)
.decl safe(x: number)
.decl cut_off(x: number)
.decl safe_pred(x: number)
.decl fringe(x: number)
.decl only_a(x: number, y: number)
.decl only_b(x: number, y: number)
.decl mixed(x: number, y: number)
"""
BODY = """
reach(X) :- source(X).
reach(Y) :- reach(X), edge(X, Y).
unreached(X) :- node(X), !reach(X).
blocked(X) :- node(X), !passable(X).
safe(X) :- source(X), !blocked(X).
safe(Y) :- safe(X), edge(X, Y), !blocked(Y).
cut_off(X) :- reach(X), !safe(X).
safe_pred(X) :- edge(Y, X), safe(Y).
fringe(X) :- cut_off(X), !safe_pred(X).
only_a(X, Y) :- a(X, Y), !b(X, Y).
only_b(X, Y) :- b(X, Y), !a(X, Y).
mixed(X, Y) :- only_a(X, Y), !unreached(X), !fringe(Y).
"""
RULES = DECLS + BODY
CLINGO_RULES = BODY.replace("!", "not ") + "".join(
    f"#show {name}/{2 if name in ('only_a', 'only_b', 'mixed') else 1}.\n" for name in ANSWERS)
PYDATALOG_RULES = """
reach(X) <= source(X)
reach(Y) <= reach(X) & edge(X, Y)
unreached(X) <= node(X) & ~reach(X)
blocked(X) <= node(X) & ~passable(X)
safe(X) <= source(X) & ~blocked(X)
safe(Y) <= safe(X) & edge(X, Y) & ~blocked(Y)
cut_off(X) <= reach(X) & ~safe(X)
safe_pred(X) <= edge(Y, X) & safe(Y)
fringe(X) <= cut_off(X) & ~safe_pred(X)
only_a(X, Y) <= a(X, Y) & ~b(X, Y)
only_b(X, Y) <= b(X, Y) & ~a(X, Y)
mixed(X, Y) <= only_a(X, Y) & ~unreached(X) & ~fringe(Y)
"""
PYDATALOG_QUERIES = {name: f"{name}(X, Y)" if name in ("only_a", "only_b", "mixed") else f"{name}(X)"
                     for name in ANSWERS}


def _pairs(rng: random.Random, count: int, xs: int, ys: int) -> list[tuple[int, int]]:
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < count:
        chosen.add((rng.randrange(xs), rng.randrange(ys)))
    return sorted(chosen)


def workload(n: int) -> dict[str, list[tuple]]:
    rng = random.Random(SEED)
    edges: set[tuple[int, int]] = set()
    while len(edges) < 3 * n // 2:
        x, y = rng.randrange(n), rng.randrange(n)
        if x != y:
            edges.add((x, y))
    return {
        "node": [(x,) for x in range(n)],
        "passable": [(x,) for x in range(n) if rng.random() < 0.8],
        "source": [(x,) for x in sorted(rng.sample(range(n), 20))],
        "a": _pairs(rng, 3 * n // 2, 1000, n // 200),
        "b": _pairs(rng, 3 * n // 2, 1000, n // 200),
        "edge": sorted(edges),  # last: with the rules loaded first, each `add_facts` is a commit
    }


@peers.once
def large():
    return workload(200_000)


@peers.once
def small():
    return workload(500)


def ours(facts):
    return peers.ours_engine(RULES, facts)


def pydatalog(facts):
    return peers.pydatalog(PYDATALOG_RULES, facts, PYDATALOG_QUERIES)


def clingo(facts: str):
    counts = peers.clingo(CLINGO_RULES, facts)
    return {name: counts.get(name, 0) for name in ANSWERS}


def hand_written(facts):
    """Depth-first searches for the two recursive relations, set operations for the rest."""
    successors: dict[int, list[int]] = {}
    for x, y in facts["edge"]:
        successors.setdefault(x, []).append(y)
    nodes = {x for (x,) in facts["node"]}
    sources = {x for (x,) in facts["source"]}
    blocked = nodes - {x for (x,) in facts["passable"]}

    def search(starts: set[int], avoid: set[int]) -> set[int]:
        seen = set(starts)
        stack = list(starts)
        while stack:
            for y in successors.get(stack.pop(), ()):
                if y not in seen and y not in avoid:
                    seen.add(y)
                    stack.append(y)
        return seen

    reach = search(sources, set())
    unreached = nodes - reach
    safe = search(sources - blocked, blocked)
    cut_off = reach - safe
    predecessors_of_safe: set[int] = set()
    for x in safe:
        predecessors_of_safe.update(successors.get(x, ()))
    fringe = cut_off - predecessors_of_safe
    a, b = set(facts["a"]), set(facts["b"])
    only_a, only_b = a - b, b - a
    mixed = {(x, y) for x, y in only_a if x not in unreached and y not in fringe}
    return {"unreached": unreached, "safe": safe, "cut_off": cut_off, "fringe": fringe,
            "only_a": only_a, "only_b": only_b, "mixed": mixed}


@peers.once
def expected_large():
    return hand_written(large())


@peers.once
def expected_small():
    return hand_written(small())


def sizes(result):
    return {name: len(rows) for name, rows in result.items()}


def check_ours(engine, expected):
    assert {name: engine.size(name) for name in ANSWERS} == sizes(expected)
    assert {name: {row if len(row) > 1 else row[0] for row in engine.relation(name)} for name in ANSWERS} == expected


def test_workload_shape():
    """Every answer is non-trivial at both scales."""
    for expected in (expected_large(), expected_small()):
        assert all(len(rows) > 0 for rows in expected.values()), sizes(expected)


# ---- n = 200,000 --------------------------------------------------------------------------------
GLARGE = "negation, 200,000 nodes"


@pytest.mark.benchmark(group=GLARGE)
def test_200k_ours(benchmark):
    engine = benchmark.pedantic(ours, args=(large(),), rounds=5, iterations=1, warmup_rounds=1)
    check_ours(engine, expected_large())


@pytest.mark.benchmark(group=GLARGE)
def test_200k_ours_evaluation_only(benchmark):
    engine = peers.ours_evaluation_only(benchmark, RULES, large(), rounds=5)
    check_ours(engine, expected_large())


@pytest.mark.benchmark(group=GLARGE)
def test_200k_clingo(benchmark):
    peers.need("clingo")
    result = benchmark.pedantic(clingo, args=(peers.facts_text(large()),), rounds=3, iterations=1)
    assert result == sizes(expected_large())


@pytest.mark.benchmark(group=GLARGE)
def test_200k_hand_written(benchmark):
    result = benchmark.pedantic(hand_written, args=(large(),), rounds=5, iterations=1, warmup_rounds=1)
    assert result == expected_large()


# ---- n = 500 (pyDatalog) ---------------------------------------------------------------------
GSMALL = "negation, 500 nodes"


@pytest.mark.benchmark(group=GSMALL)
def test_500_ours(benchmark):
    check_ours(benchmark(ours, small()), expected_small())


@pytest.mark.benchmark(group=GSMALL)
def test_500_pydatalog(benchmark):
    peers.need("pyDatalog")
    result = benchmark.pedantic(pydatalog, args=(small(),), rounds=1, iterations=1)
    assert result == sizes(expected_small())


@pytest.mark.benchmark(group=GSMALL)
def test_500_clingo(benchmark):
    peers.need("clingo")
    assert benchmark(clingo, peers.facts_text(small())) == sizes(expected_small())


@pytest.mark.benchmark(group=GSMALL)
def test_500_hand_written(benchmark):
    assert benchmark(hand_written, small()) == expected_small()
