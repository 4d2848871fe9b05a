"""Transitive closure of a chain: our engine, pyDatalog 0.22.4 and a hand-written loop.

The issue's "400-node chain" is the edges 0->1->...->400 (400 edges, 401 nodes), whose closure
has 400 * 401 / 2 = 80,200 paths; the 1,000 chain likewise has 500,500. Each timing is a full
evaluation: for us, `load_text` of the rules and the facts; for pyDatalog, asserting the facts,
loading the rules and asking for every path; for the hand-written loop, semi-naive iteration
over a successor index. Every run also checks the number of paths.
"""

from __future__ import annotations

import pytest

from reasoner import Engine

RULES = """
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


def chain(edges: int) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(edges)]


def closure_size(edges: int) -> int:
    return edges * (edges + 1) // 2


def ours(edges):
    engine = Engine()
    facts = "\n".join(f"edge({a}, {b})." for a, b in edges)
    engine.load_text(RULES + facts)
    return engine.size("path")


def pydatalog(edges):
    from pyDatalog import pyDatalog

    pyDatalog.clear()
    try:
        for a, b in edges:
            pyDatalog.assert_fact("edge", a, b)
        pyDatalog.load("path(X, Y) <= edge(X, Y)\npath(X, Z) <= path(X, Y) & edge(Y, Z)")
        return len(pyDatalog.ask("path(X, Y)").answers)
    finally:
        pyDatalog.clear()


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
    return len(path)


@pytest.mark.benchmark(group="transitive closure, 400-edge chain (80,200 paths)")
def test_chain_400_ours(benchmark):
    assert benchmark(ours, chain(400)) == closure_size(400) == 80_200


@pytest.mark.benchmark(group="transitive closure, 400-edge chain (80,200 paths)")
def test_chain_400_pydatalog(benchmark):
    pytest.importorskip("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(chain(400),), rounds=3, iterations=1)
    assert size == 80_200


@pytest.mark.benchmark(group="transitive closure, 400-edge chain (80,200 paths)")
def test_chain_400_hand_written(benchmark):
    assert benchmark(hand_written, chain(400)) == 80_200


@pytest.mark.benchmark(group="transitive closure, 1,000-edge chain (500,500 paths)")
def test_chain_1000_ours(benchmark):
    size = benchmark.pedantic(ours, args=(chain(1000),), rounds=3, iterations=1)
    assert size == closure_size(1000)


@pytest.mark.benchmark(group="transitive closure, 1,000-edge chain (500,500 paths)")
def test_chain_1000_pydatalog(benchmark):
    pytest.importorskip("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(chain(1000),), rounds=1, iterations=1)
    assert size == closure_size(1000)


@pytest.mark.benchmark(group="transitive closure, 1,000-edge chain (500,500 paths)")
def test_chain_1000_hand_written(benchmark):
    size = benchmark.pedantic(hand_written, args=(chain(1000),), rounds=5, iterations=1)
    assert size == closure_size(1000)
