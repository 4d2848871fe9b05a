"""Range joins on dates: the 30-day follow-up rule through a sorted index, through nested loops
(the plans without sorted indexes, `reasoner.plan.SORTED_INDEXES = False`), and a hand-written
Python loop using `bisect`, in one benchmark group per workload.

Events are generated from a fixed seed: `ev(id, actor, day)`, actors uniform among 50, days
uniform over ten years (2015-2024). Two rules:

- `again`: the same actor acts again within 30 days (a range plus an equality key),
  `again(E1, E2) :- ev(E1, A, D1), ev(E2, A, D2), D1 < D2, D2 <= D1 + 30.`, on 20,000 events;
- `follows`: any event within 30 days after another (a range alone), on 5,000 events.

A timing is a fresh engine: `load_text(rules)`, then `add_facts("ev", rows)`, which evaluates;
the hand-written loop groups the events, sorts them by day and bisects. Every run checks the
number of pairs.

    python -m pytest benchmarks/test_range_join.py --benchmark-columns=min,mean,max,rounds
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right

import pytest

from reasoner import Engine, plan

SEED = 20251022
ACTORS = 50
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3652
WINDOW = 30

AGAIN = """
.decl ev(e: number, actor: symbol, on: date)
.decl again(e1: number, e2: number)
again(E1, E2) :- ev(E1, A, D1), ev(E2, A, D2), D1 < D2, D2 <= D1 + 30.
"""

FOLLOWS = """
.decl ev(e: number, actor: symbol, on: date)
.decl follows(e1: number, e2: number)
follows(E1, E2) :- ev(E1, _, D1), ev(E2, _, D2), D1 < D2, D2 <= D1 + 30.
"""


def events(count: int, seed: int = SEED) -> list[tuple[int, str, dt.date]]:
    rng = random.Random(seed)
    return [(i, f"A{rng.randrange(ACTORS):02d}", FIRST_DAY + dt.timedelta(rng.randrange(DAYS)))
            for i in range(count)]


def ours(rules: str, relation: str, rows, sorted_indexes: bool = True) -> int:
    saved = plan.SORTED_INDEXES
    plan.SORTED_INDEXES = sorted_indexes
    try:
        engine = Engine()
        engine.load_text(rules)
        engine.add_facts("ev", rows)
        return engine.size(relation)
    finally:
        plan.SORTED_INDEXES = saved


def hand_written(rows, keyed: bool) -> int:
    """Per actor (or for all events), the days sorted; per event, the slice of days after it
    and at most 30 days later."""
    groups: dict[str, list[tuple[dt.date, int]]] = {}
    for e, actor, day in rows:
        groups.setdefault(actor if keyed else "", []).append((day, e))
    window = dt.timedelta(days=WINDOW)
    pairs = set()
    for group in groups.values():
        group.sort()
        days = [day for day, _ in group]
        for day, e1 in group:
            lo = bisect_right(days, day)
            hi = bisect_right(days, day + window, lo)
            for _, e2 in group[lo:hi]:
                pairs.add((e1, e2))
    return len(pairs)


AGAIN_ROWS = events(20_000)
AGAIN_PAIRS = hand_written(AGAIN_ROWS, keyed=True)
FOLLOWS_ROWS = events(5_000)
FOLLOWS_PAIRS = hand_written(FOLLOWS_ROWS, keyed=False)

GROUP_AGAIN = f"30-day follow-up by the same actor, 20,000 events ({AGAIN_PAIRS:,} pairs)"
GROUP_FOLLOWS = f"30-day follow-up by anyone, 5,000 events ({FOLLOWS_PAIRS:,} pairs)"


@pytest.mark.benchmark(group=GROUP_AGAIN)
def test_again_sorted_index(benchmark):
    assert benchmark(ours, AGAIN, "again", AGAIN_ROWS) == AGAIN_PAIRS


@pytest.mark.benchmark(group=GROUP_AGAIN)
def test_again_nested_loops(benchmark):
    size = benchmark.pedantic(ours, args=(AGAIN, "again", AGAIN_ROWS, False), rounds=3, iterations=1)
    assert size == AGAIN_PAIRS


@pytest.mark.benchmark(group=GROUP_AGAIN)
def test_again_hand_written(benchmark):
    assert benchmark(hand_written, AGAIN_ROWS, True) == AGAIN_PAIRS


@pytest.mark.benchmark(group=GROUP_FOLLOWS)
def test_follows_sorted_index(benchmark):
    assert benchmark(ours, FOLLOWS, "follows", FOLLOWS_ROWS) == FOLLOWS_PAIRS


@pytest.mark.benchmark(group=GROUP_FOLLOWS)
def test_follows_nested_loops(benchmark):
    size = benchmark.pedantic(ours, args=(FOLLOWS, "follows", FOLLOWS_ROWS, False), rounds=3, iterations=1)
    assert size == FOLLOWS_PAIRS


@pytest.mark.benchmark(group=GROUP_FOLLOWS)
def test_follows_hand_written(benchmark):
    assert benchmark(hand_written, FOLLOWS_ROWS, False) == FOLLOWS_PAIRS
