"""Transitive closure: our engine, pyDatalog 0.22.4, clingo and a hand-written loop.

    path(X, Y) :- edge(X, Y).
    path(X, Z) :- path(X, Y), edge(Y, Z).

Workloads (all deterministic):
- the chain 0 -> 1 -> ... -> n with n = 400 and n = 1,000 edges: n * (n + 1) / 2 paths (80,200
  and 500,500). Issue 6 uses the 400 chain; issue 7's acceptance the 1,000 chain;
- a random directed graph, seed 7: 1,500 nodes, 1,900 distinct edges drawn uniformly (no
  self-loops), with cycles: 411,101 paths.

Two hand-written loops: `hand_written`, semi-naive iteration with a membership test per
candidate path (the natural loop), and `hand_written_comprehension`, the join as a set
comprehension and the new paths found by set difference (faster: the tighter floor). Every
peer's answer size is asserted; ours is also compared tuple for tuple with the hand loop's
(outside the timed region). What each timing includes: see `peers.py`.
"""

from __future__ import annotations

import random

import pytest

import peers

RULES = """
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""
PYDATALOG_RULES = "path(X, Y) <= edge(X, Y)\npath(X, Z) <= path(X, Y) & edge(Y, Z)"
CLINGO_RULES = "path(X,Y) :- edge(X,Y).\npath(X,Z) :- path(X,Y), edge(Y,Z).\n#show path/2.\n"

RANDOM_NODES, RANDOM_EDGES, RANDOM_SEED, RANDOM_PATHS = 1_500, 1_900, 7, 411_101


def chain(edges: int) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(edges)]


def closure_size(edges: int) -> int:
    return edges * (edges + 1) // 2


def random_graph(nodes: int = RANDOM_NODES, edges: int = RANDOM_EDGES, seed: int = RANDOM_SEED) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < edges:
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a != b:
            chosen.add((a, b))
    return sorted(chosen)


def ours(edges):
    return peers.ours_engine(RULES, {"edge": edges})


def pydatalog(edges):
    return peers.pydatalog(PYDATALOG_RULES, {"edge": edges}, {"path": "path(X, Y)"})["path"]


def clingo(facts: str):
    return peers.clingo(CLINGO_RULES, facts).get("path", 0)


def hand_written(edges):
    """Semi-naive evaluation written by hand: join the new paths with the edges by source."""
    successors: dict[int, list[int]] = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    path = set(edges)
    delta = set(edges)
    while delta:
        new = set()
        for x, y in delta:
            for z in successors.get(y, ()):
                if (x, z) not in path:
                    new.add((x, z))
        path |= new
        delta = new
    return path


def hand_written_comprehension(edges):
    """The same semi-naive iteration with the join as a set comprehension and the new paths
    found by set difference: the fastest plain Python we know for it (the tighter floor)."""
    successors: dict[int, list[int]] = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    path = set(edges)
    delta = set(path)
    while delta:
        delta = {(x, z) for x, y in delta for z in successors.get(y, ())}
        delta -= path
        path |= delta
    return path


def check_ours(engine, edges, size):
    assert engine.size("path") == size
    assert engine.relation("path") == hand_written(edges)


# ---- the 400 chain ------------------------------------------------------------------------------
G400 = "transitive closure, 400-edge chain (80,200 paths)"


@pytest.mark.benchmark(group=G400)
def test_chain_400_ours(benchmark):
    engine = benchmark(ours, chain(400))
    check_ours(engine, chain(400), 80_200)


@pytest.mark.benchmark(group=G400)
def test_chain_400_pydatalog(benchmark):
    peers.need("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(chain(400),), rounds=3, iterations=1)
    assert size == 80_200


@pytest.mark.benchmark(group=G400)
def test_chain_400_clingo(benchmark):
    peers.need("clingo")
    assert benchmark(clingo, peers.facts_text({"edge": chain(400)})) == 80_200


@pytest.mark.benchmark(group=G400)
def test_chain_400_hand_written(benchmark):
    assert len(benchmark(hand_written, chain(400))) == 80_200


@pytest.mark.benchmark(group=G400)
def test_chain_400_hand_written_comprehension(benchmark):
    assert len(benchmark(hand_written_comprehension, chain(400))) == 80_200


# ---- the 1,000 chain ----------------------------------------------------------------------------
G1000 = "transitive closure, 1,000-edge chain (500,500 paths)"


@pytest.mark.benchmark(group=G1000)
def test_chain_1000_ours(benchmark):
    engine = benchmark.pedantic(ours, args=(chain(1000),), rounds=7, iterations=1, warmup_rounds=1)
    check_ours(engine, chain(1000), closure_size(1000))


@pytest.mark.benchmark(group=G1000)
def test_chain_1000_pydatalog(benchmark):
    peers.need("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(chain(1000),), rounds=1, iterations=1)
    assert size == closure_size(1000)


@pytest.mark.benchmark(group=G1000)
def test_chain_1000_clingo(benchmark):
    peers.need("clingo")
    size = benchmark.pedantic(clingo, args=(peers.facts_text({"edge": chain(1000)}),), rounds=5, iterations=1)
    assert size == closure_size(1000)


@pytest.mark.benchmark(group=G1000)
def test_chain_1000_hand_written(benchmark):
    path = benchmark.pedantic(hand_written, args=(chain(1000),), rounds=7, iterations=1, warmup_rounds=1)
    assert len(path) == closure_size(1000)


@pytest.mark.benchmark(group=G1000)
def test_chain_1000_hand_written_comprehension(benchmark):
    path = benchmark.pedantic(hand_written_comprehension, args=(chain(1000),), rounds=7, iterations=1, warmup_rounds=1)
    assert len(path) == closure_size(1000)


# ---- the random graph ---------------------------------------------------------------------------
GRANDOM = f"transitive closure, random graph {RANDOM_NODES:,} nodes / {RANDOM_EDGES:,} edges ({RANDOM_PATHS:,} paths)"


@pytest.mark.benchmark(group=GRANDOM)
def test_random_ours(benchmark):
    edges = random_graph()
    engine = benchmark.pedantic(ours, args=(edges,), rounds=7, iterations=1, warmup_rounds=1)
    check_ours(engine, edges, RANDOM_PATHS)


@pytest.mark.benchmark(group=GRANDOM)
def test_random_pydatalog(benchmark):
    peers.need("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(random_graph(),), rounds=1, iterations=1)
    assert size == RANDOM_PATHS


@pytest.mark.benchmark(group=GRANDOM)
def test_random_clingo(benchmark):
    peers.need("clingo")
    size = benchmark.pedantic(clingo, args=(peers.facts_text({"edge": random_graph()}),), rounds=5, iterations=1)
    assert size == RANDOM_PATHS


@pytest.mark.benchmark(group=GRANDOM)
def test_random_hand_written(benchmark):
    path = benchmark.pedantic(hand_written, args=(random_graph(),), rounds=7, iterations=1, warmup_rounds=1)
    assert len(path) == RANDOM_PATHS


@pytest.mark.benchmark(group=GRANDOM)
def test_random_hand_written_comprehension(benchmark):
    path = benchmark.pedantic(hand_written_comprehension, args=(random_graph(),), rounds=7, iterations=1, warmup_rounds=1)
    assert len(path) == RANDOM_PATHS
