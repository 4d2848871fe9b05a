"""`eqrel` (issue 18): one class of n values chained by n - 1 stated pairs, stored as a union-find.

    .decl same(a: number, b: number) eqrel
    same(0, 1). same(1, 2). ... same(n - 2, n - 1).     (added with `add_facts`)

The relation holds n² pairs (9,000,000 for n = 3,000). Peers: ours (`Engine`, `load_text`, then
`add_facts` of the pairs: a full evaluation) and a union-find written by hand (a dict of parents
with union by size and path halving), which answers the same: one class of n values, n² pairs.
A second workload derives the pairs by a rule from `matched` and reads the class through a rule
(`linked(A) :- same(A, 0).`), so that the pairs the merges add are the delta a rule reads.

Memory (`test_memory_is_linear`, `-s` prints it): `tracemalloc`'s count of the bytes allocated
while the facts are added that are still held afterwards (kept) and at most (peak), for ours and
the hand-written union-find, at n = 3,000 and 30,000 (ours twice: the pairs stated, and derived
by the rule and read). It must grow linearly with n (ten times the
values: at most fifteen times the memory), not as the n² pairs the closure rules used to store.
Run as a script, `python benchmarks/test_eqrel.py N...` prints the same figures for ours at each
N; with `PYTHONPATH` pointing at a checkout before issue 18's union-find it measures the pairs
(see the README's section "eqrel").
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc

import pytest

import peers

RULES = ".decl same(a: number, b: number) eqrel\n"
DERIVED_RULES = """
.decl matched(a: number, b: number)
.decl same(a: number, b: number) eqrel
same(A, B) :- matched(A, B).
.decl linked(a: number)
linked(A) :- same(A, 0).
"""
N = 3_000


def chain(n: int) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(n - 1)]


def ours(pairs):
    return peers.ours_engine(RULES, {"same": pairs})


def ours_derived(pairs):
    return peers.ours_engine(DERIVED_RULES, {"matched": pairs})


class UnionFind:
    """A union-find written by hand: parents, class sizes, union by size, path halving."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}

    def find(self, value: int) -> int:
        parent = self.parent
        if value not in parent:
            parent[value] = value
            self.size[value] = 1
        while parent[value] != value:
            parent[value] = parent[parent[value]]
            value = parent[value]
        return value

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size.pop(b)

    def pairs(self) -> int:
        """The pairs the equivalence holds: the sum of the squares of the class sizes."""
        return sum(size * size for size in self.size.values())


def hand_written(pairs):
    classes = UnionFind()
    for a, b in pairs:
        classes.union(a, b)
    return classes


def check_ours(engine, n: int) -> None:
    assert engine.size("same") == n * n
    held = engine.state.relations["same"].tuples
    assert (0, n - 1) in held and (n - 1, 0) in held and (0, n) not in held


GROUP = f"eqrel: one class of {N:,} values chained by {N - 1:,} stated pairs ({N * N:,} pairs)"


@pytest.mark.benchmark(group=GROUP)
def test_chain_ours(benchmark):
    engine = benchmark(ours, chain(N))
    check_ours(engine, N)


@pytest.mark.benchmark(group=GROUP)
def test_chain_ours_derived_and_read(benchmark):
    engine = benchmark(ours_derived, chain(N))
    check_ours(engine, N)
    assert engine.size("linked") == N


@pytest.mark.benchmark(group=GROUP)
def test_chain_hand_written(benchmark):
    classes = benchmark(hand_written, chain(N))
    assert classes.pairs() == N * N and len(classes.size) == 1


def measure(build, pairs) -> tuple[float, float, float]:
    """(kept MiB, peak MiB, CPU seconds) of `build(pairs)`, traced by `tracemalloc`."""
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    cpu = time.process_time()
    result = build(pairs)
    cpu = time.process_time() - cpu
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return (kept - start) / 2**20, (peak - start) / 2**20, cpu


def ours_loaded(pairs, rules: str = RULES, relation: str = "same"):
    """Ours with the rules loaded outside the measurement: only the facts' evaluation counts."""
    engine = peers.ours_engine(rules, {})
    return measure(lambda rows: engine.add_facts(relation, rows) or engine, pairs)


def test_memory_is_linear(benchmark):
    figures = {}
    for n in (N, 10 * N):
        figures[f"ours {n}"] = ours_loaded(chain(n))
        figures[f"ours derived {n}"] = ours_loaded(chain(n), DERIVED_RULES, "matched")
        figures[f"hand-written {n}"] = measure(hand_written, chain(n))
    benchmark.extra_info.update({name: {"kept_mib": round(kept, 2), "peak_mib": round(peak, 2)}
                                 for name, (kept, peak, _) in figures.items()})
    for name, (kept, peak, cpu) in figures.items():
        print(f"{name:>22}: kept {kept:6.2f} MiB, peak {peak:6.2f} MiB, {cpu:.2f} s CPU")
    benchmark.pedantic(ours, args=(chain(N),), rounds=1, iterations=1)
    for peer in ("ours", "ours derived"):
        small, large = figures[f"{peer} {N}"], figures[f"{peer} {10 * N}"]
        assert large[0] <= 15 * small[0] and large[1] <= 15 * small[1]  # linear, not quadratic
        assert small[1] < 8  # MiB: the 9,000,000 pairs as tuples in a set would take over 1 GiB


if __name__ == "__main__":
    for size in map(int, sys.argv[1:]):
        kept, peak, cpu = ours_loaded(chain(size))
        print(f"ours, n = {size:,} ({size * size:,} pairs): kept {kept:.2f} MiB, peak {peak:.2f} MiB, "
              f"{cpu:.2f} s CPU")
