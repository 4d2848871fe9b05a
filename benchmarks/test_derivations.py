"""The cost of derivation records (issue 6): the 400-edge chain's transitive closure evaluated
with `Engine(derivations=True)` (the default, which `explain` needs) and with
`Engine(derivations=False)`, in the same run.

Time is pytest-benchmark's; memory is the peak traced by `tracemalloc` during one evaluation,
recorded in `extra_info["peak_mib"]` (and printed with `-s`). The acceptance bound is at most
1.5 times the time and 2 times the memory without the records.
"""

from __future__ import annotations

import tracemalloc

import pytest

from reasoner import Engine

RULES = """
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""
EDGES = [(i, i + 1) for i in range(400)]


def closure(derivations: bool) -> Engine:
    engine = Engine(derivations=derivations)
    engine.load_text(RULES)
    engine.add_facts("edge", EDGES)
    assert engine.size("path") == 80_200
    return engine


def peak_mib(derivations: bool) -> float:
    tracemalloc.start()
    try:
        engine = closure(derivations)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del engine
    return peak / 2**20


@pytest.mark.parametrize("derivations", [False, True], ids=["without-records", "with-records"])
@pytest.mark.benchmark(group="derivation records: transitive closure, 400-edge chain")
def test_chain_400_derivations(benchmark, derivations):
    benchmark.extra_info["peak_mib"] = round(peak_mib(derivations), 1)
    print(f"\nderivations={derivations}: peak {benchmark.extra_info['peak_mib']} MiB")
    benchmark(closure, derivations)


def test_explaining_the_longest_path_is_fast_enough_to_use(benchmark):
    """Not a bound, a figure: rebuilding the 400-step proof of path(0, 400)."""
    engine = closure(True)
    proof = benchmark(engine.explain, "path(0, 400)")
    assert proof.root.height == 400
