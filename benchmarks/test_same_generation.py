"""Same generation on a complete binary tree: our engine, pyDatalog 0.22.4, clingo and a
hand-written loop.

    sg(X, Y) :- parent(X, P), parent(Y, P), X != Y.
    sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).

`parent(child, parent)`: the tree of depth d has the levels 0 (the root) to d, 2^(d+1) - 1 nodes
numbered as a heap (root 0, the children of n are 2n + 1 and 2n + 2), so parent(c, (c - 1) // 2)
for every c > 0. sg holds for every ordered pair of distinct nodes on the same level, so it has
sum over k = 1..d of 2^k * (2^k - 1) tuples:

    depth 6 (7 levels):   127 nodes,     5,334 pairs
    depth 7:              255 nodes,    21,590 pairs
    depth 8:              511 nodes,    86,870 pairs
    depth 10:           2,047 nodes, 1,396,054 pairs

Two hand-written loops, as for the transitive closure: `hand_written` (a membership test per
candidate pair) and `hand_written_comprehension` (set comprehensions and set difference).

Issue 7 asks that same generation "on a binary tree of depth 7" be at least 500 times faster
than pyDatalog, and quotes about 27 s for pyDatalog and 0.005 s for a hand-written loop on this
machine. "Depth 7" can be read two ways: levels 0..7 (255 nodes, `tree(7)` here) or 7 levels,
0..6 (127 nodes, `tree(6)` here). The issue's figures match the second reading with the textbook
body order of the recursive rule,

    sg(X, Y) <= parent(X, A) & parent(Y, B) & sg(A, B)

(pyDatalog 32-83 s here, varying with the load, the hand loops 2-3 ms), so the acceptance ratio is taken
against that: the group "7 levels" times pyDatalog with this order (`issue_order`, one round)
and also with its fastest order (`fastest_order`, sg between the two parent atoms, as in the
rules above), which takes it about 0.2 s on the same tree.

pyDatalog with the fastest order runs depth 7 (about 1.3 s) and depth 8 (11-17 s); depth 9 took
it 151 s and depth 10 longer, past the minute. Its time depends much on the order of the body
atoms: the issue's order did not finish depth 7 (255 nodes) in 150 s, so the depth 7, 8 and 10
groups time only the fastest order.
"""

from __future__ import annotations

import pytest

import peers

RULES = """
.decl parent(child: number, parent: number)
.decl sg(x: number, y: number)
sg(X, Y) :- parent(X, P), parent(Y, P), X != Y.
sg(X, Y) :- parent(X, A), sg(A, B), parent(Y, B).
"""
PYDATALOG_RULES = ("sg(X, Y) <= parent(X, P) & parent(Y, P) & (X != Y)\n"
                   "sg(X, Y) <= parent(X, A) & sg(A, B) & parent(Y, B)")
# The body order of issue 7 (the textbook order): far slower in pyDatalog.
PYDATALOG_RULES_ISSUE_ORDER = ("sg(X, Y) <= parent(X, P) & parent(Y, P) & (X != Y)\n"
                               "sg(X, Y) <= parent(X, A) & parent(Y, B) & sg(A, B)")
CLINGO_RULES = ("sg(X,Y) :- parent(X,P), parent(Y,P), X != Y.\n"
                "sg(X,Y) :- parent(X,A), sg(A,B), parent(Y,B).\n#show sg/2.\n")


def tree(depth: int) -> list[tuple[int, int]]:
    """parent(child, parent) rows of the complete binary tree with levels 0..depth."""
    return [(child, (child - 1) // 2) for child in range(1, 2 ** (depth + 1) - 1)]


def sg_size(depth: int) -> int:
    return sum(2 ** k * (2 ** k - 1) for k in range(1, depth + 1))


def ours(parent):
    return peers.ours_engine(RULES, {"parent": parent})


def pydatalog(parent, rules=PYDATALOG_RULES):
    return peers.pydatalog(rules, {"parent": parent}, {"sg": "sg(X, Y)"})["sg"]


def clingo(facts: str):
    return peers.clingo(CLINGO_RULES, facts).get("sg", 0)


def hand_written(parent):
    """Semi-naive evaluation written by hand, over a children-of index."""
    children: dict[int, list[int]] = {}
    for child, par in parent:
        children.setdefault(par, []).append(child)
    sg = set()
    for kids in children.values():
        for x in kids:
            for y in kids:
                if x != y:
                    sg.add((x, y))
    delta = set(sg)
    while delta:
        new = set()
        for a, b in delta:
            for x in children.get(a, ()):
                for y in children.get(b, ()):
                    if (x, y) not in sg:
                        new.add((x, y))
        sg |= new
        delta = new
    return sg


def hand_written_comprehension(parent):
    """The same with the joins as set comprehensions and the new pairs found by set difference
    (faster: the tighter floor)."""
    children: dict[int, list[int]] = {}
    for child, par in parent:
        children.setdefault(par, []).append(child)
    sg = {(x, y) for kids in children.values() for x in kids for y in kids if x != y}
    delta = set(sg)
    while delta:
        delta = {(x, y) for a, b in delta for x in children.get(a, ()) for y in children.get(b, ())}
        delta -= sg
        sg |= delta
    return sg


def check_ours(engine, depth):
    assert engine.size("sg") == sg_size(depth)
    assert engine.relation("sg") == hand_written(tree(depth))


def test_sizes():
    assert (sg_size(6), sg_size(7), sg_size(8), sg_size(10)) == (5_334, 21_590, 86_870, 1_396_054)
    assert len(tree(6)) + 1 == 127


# ---- 7 levels (depth 6 in this file's numbering): issue 7's figures -----------------------------
G7L = "same generation, binary tree of 7 levels (127 nodes, 5,334 pairs)"


@pytest.mark.benchmark(group=G7L)
def test_levels_7_ours(benchmark):
    check_ours(benchmark(ours, tree(6)), 6)


@pytest.mark.benchmark(group=G7L)
def test_levels_7_pydatalog_issue_order(benchmark):
    """pyDatalog with issue 7's body order `parent(X, A) & parent(Y, B) & sg(A, B)`: 30-80 s,
    so one round. The acceptance ratio is taken against this."""
    peers.need("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(tree(6), PYDATALOG_RULES_ISSUE_ORDER), rounds=1, iterations=1)
    assert size == sg_size(6)


@pytest.mark.benchmark(group=G7L)
def test_levels_7_pydatalog_fastest_order(benchmark):
    """pyDatalog with its fastest body order (sg between the parent atoms), as in the other groups."""
    peers.need("pyDatalog")
    size = benchmark.pedantic(pydatalog, args=(tree(6), PYDATALOG_RULES), rounds=3, iterations=1)
    assert size == sg_size(6)


@pytest.mark.benchmark(group=G7L)
def test_levels_7_clingo(benchmark):
    peers.need("clingo")
    assert benchmark(clingo, peers.facts_text({"parent": tree(6)})) == sg_size(6)


@pytest.mark.benchmark(group=G7L)
def test_levels_7_hand_written(benchmark):
    assert len(benchmark(hand_written, tree(6))) == sg_size(6)


@pytest.mark.benchmark(group=G7L)
def test_levels_7_hand_written_comprehension(benchmark):
    assert len(benchmark(hand_written_comprehension, tree(6))) == sg_size(6)


# ---- depth 7 ------------------------------------------------------------------------------------
G7 = "same generation, binary tree of depth 7 (21,590 pairs)"


@pytest.mark.benchmark(group=G7)
def test_depth_7_ours(benchmark):
    check_ours(benchmark(ours, tree(7)), 7)


@pytest.mark.benchmark(group=G7)
def test_depth_7_pydatalog(benchmark):
    peers.need("pyDatalog")
    assert benchmark.pedantic(pydatalog, args=(tree(7),), rounds=3, iterations=1) == sg_size(7)


@pytest.mark.benchmark(group=G7)
def test_depth_7_clingo(benchmark):
    peers.need("clingo")
    assert benchmark(clingo, peers.facts_text({"parent": tree(7)})) == sg_size(7)


@pytest.mark.benchmark(group=G7)
def test_depth_7_hand_written(benchmark):
    assert len(benchmark(hand_written, tree(7))) == sg_size(7)


@pytest.mark.benchmark(group=G7)
def test_depth_7_hand_written_comprehension(benchmark):
    assert len(benchmark(hand_written_comprehension, tree(7))) == sg_size(7)


# ---- depth 8 (the largest pyDatalog finishes within a minute) ----------------------------------
G8 = "same generation, binary tree of depth 8 (86,870 pairs)"


@pytest.mark.benchmark(group=G8)
def test_depth_8_ours(benchmark):
    check_ours(benchmark(ours, tree(8)), 8)


@pytest.mark.benchmark(group=G8)
def test_depth_8_pydatalog(benchmark):
    peers.need("pyDatalog")
    assert benchmark.pedantic(pydatalog, args=(tree(8),), rounds=1, iterations=1) == sg_size(8)


@pytest.mark.benchmark(group=G8)
def test_depth_8_clingo(benchmark):
    peers.need("clingo")
    assert benchmark(clingo, peers.facts_text({"parent": tree(8)})) == sg_size(8)


@pytest.mark.benchmark(group=G8)
def test_depth_8_hand_written(benchmark):
    assert len(benchmark(hand_written, tree(8))) == sg_size(8)


@pytest.mark.benchmark(group=G8)
def test_depth_8_hand_written_comprehension(benchmark):
    assert len(benchmark(hand_written_comprehension, tree(8))) == sg_size(8)


# ---- depth 10 -----------------------------------------------------------------------------------
G10 = "same generation, binary tree of depth 10 (1,396,054 pairs)"


@pytest.mark.benchmark(group=G10)
def test_depth_10_ours(benchmark):
    engine = benchmark.pedantic(ours, args=(tree(10),), rounds=5, iterations=1, warmup_rounds=1)
    check_ours(engine, 10)


@pytest.mark.benchmark(group=G10)
def test_depth_10_clingo(benchmark):
    peers.need("clingo")
    size = benchmark.pedantic(clingo, args=(peers.facts_text({"parent": tree(10)}),), rounds=3, iterations=1)
    assert size == sg_size(10)


@pytest.mark.benchmark(group=G10)
def test_depth_10_hand_written(benchmark):
    sg = benchmark.pedantic(hand_written, args=(tree(10),), rounds=5, iterations=1, warmup_rounds=1)
    assert len(sg) == sg_size(10)


@pytest.mark.benchmark(group=G10)
def test_depth_10_hand_written_comprehension(benchmark):
    sg = benchmark.pedantic(hand_written_comprehension, args=(tree(10),), rounds=5, iterations=1, warmup_rounds=1)
    assert len(sg) == sg_size(10)
