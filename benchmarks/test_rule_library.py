"""The whole shipped rule library on a generated corpus: 100,000 events among 50 actors over ten
years (2015-2024), from a fixed seed (benchmarks/generated_events.py, which describes the mix).

The generated facts go straight into the schema relations (`Engine.add_facts`), so what is timed is
the evaluation of rules/*.dl, not the parsing of event statements.

Three benchmarks: the full evaluation (`Engine.load(rules/)` on an engine that already holds the
facts), and adding one event to an evaluated engine, as an event statement
(`load_text(..., kind="events")`) and as one `add_facts` row; each round of those adds another
event to the same engine, whose relations are then compared with a fresh full evaluation.
The ratio of an addition to the full evaluation and each round's time go to `extra_info`.

    python -m pytest benchmarks/test_rule_library.py --benchmark-only
    python benchmarks/test_rule_library.py          # one run, prints time and peak memory
"""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc

import pytest

import generated_events
from reasoner import Engine
from reasoner.load import event_schemas
from reasoner.resources import data_dir

EVENTS = 100_000
ACTORS = generated_events.ACTORS
FULL_ROUNDS = 2
INCREMENTAL_ROUNDS = 10
REPORTED = ("responds", "escalation_step", "escalation_chain", "escalation_sequence",
            "de_escalation", "tit_for_tat", "dyad_month", "time_pair", "allen",
            "deadline_lapsed", "deadline_consequence", "precondition_unmet", "meeting_status",
            "conflicting_statements")


def generate(events: int = EVENTS) -> dict[str, list[tuple]]:
    """The generated facts (benchmarks/generated_events.py), 100,000 events by default."""
    return generated_events.generate(events)


def prepared_engine(facts: dict[str, list[tuple]]) -> Engine:
    engine = Engine(max_tuples=None, max_memory=None)  # the library derives more than the default limit
    for schema in event_schemas().values():
        engine.add_schema(schema)
    for name, rows in facts.items():
        engine.add_facts(name, rows)
    return engine


def evaluate_library(facts: dict[str, list[tuple]]) -> Engine:
    engine = prepared_engine(facts)
    engine.load(data_dir("rules"))
    return engine


# ---- full evaluation -----------------------------------------------------------------------------
GROUP = "rule library, 100,000 events"
_FULL: dict[str, float] = {}  # the full evaluation's minimum time, for the incremental ratio


def _load_rules(engine: Engine) -> Engine:
    engine.load(data_dir("rules"))
    return engine


@pytest.mark.benchmark(group=GROUP)
def test_rule_library_100k_events(benchmark) -> None:
    """The whole library evaluated once over an engine that holds the facts (`add_facts` done
    in the untimed setup): `Engine.load(rules/)`, parsing, checking, planning, evaluating."""
    facts = generate()
    engine = benchmark.pedantic(_load_rules, setup=lambda: ((prepared_engine(facts),), {}),
                                rounds=FULL_ROUNDS, iterations=1)
    assert engine.size("event") == EVENTS
    assert engine.size("escalation_step") > 0
    assert engine.size("dyad_month") > 0
    _FULL["min"] = minimum(benchmark)
    benchmark.extra_info["sizes"] = {name: engine.size(name) for name in REPORTED}


# ---- adding one event --------------------------------------------------------------------------
# Declarations the added events refer to, loaded (untimed) as an events file before them: the
# 100,000 generated events are facts in the schema relations, so the event loader does not know
# their actors yet. They add no tuple the engine does not already hold (same actor rows).
DECLARATIONS = "".join(f'actor A{i:02d} "Actor A{i:02d}" is state\n' for i in range(ACTORS)) + (
    'source bench "benchmark" outlet bench published 2024-12-31\n')


def extra_event(number: int) -> str:
    """One event statement: A01 sanctions A02 in December 2024, among the dyad's other events
    (in the generated data every ordered dyad has about 40 events over the ten years)."""
    return (f"event extra{number} 2024-12-{10 + number:02d} A01 impose_sanctions A02 status occurred\n"
            f'    cite bench "added event {number}"\n')


def minimum(benchmark) -> float | None:
    """The benchmark's minimum time (None with --benchmark-disable)."""
    stats = getattr(benchmark, "stats", None)
    return stats.stats.min if stats is not None else None


def round_times(benchmark) -> list[float]:
    stats = getattr(benchmark, "stats", None)
    return [round(t, 3) for t in stats.stats.data] if stats is not None else []


def fingerprint(engine: Engine) -> dict[str, tuple[int, int]]:
    return {name: (engine.size(name), hash(frozenset(engine.relation(name)))) for name in engine.relations()}


@pytest.mark.benchmark(group=GROUP)
def test_rule_library_add_one_event(benchmark) -> None:
    """An engine holding the 100,000 events and the whole library, evaluated; then one event
    statement loaded (`load_text(..., kind="events")`: parse, lower, commit). Only that load is
    timed; each round adds another event to the same engine. The result is then compared,
    relation by relation, with a fresh full evaluation over the same facts."""
    facts = generate()
    engine = evaluate_library(facts)
    engine.load_text(DECLARATIONS, name="declarations.events", kind="events")
    before = {name: engine.size(name) for name in engine.relations()}
    texts = []

    def setup():
        texts.append(extra_event(len(texts)))
        return (texts[-1],), {"name": f"extra{len(texts) - 1}.events", "kind": "events"}

    benchmark.pedantic(engine.load_text, setup=setup, rounds=INCREMENTAL_ROUNDS, iterations=1)
    assert engine.size("event") == EVENTS + INCREMENTAL_ROUNDS
    after = fingerprint(engine)
    grown = {name: after[name][0] - before.get(name, 0) for name in after if after[name][0] != before.get(name, 0)}
    benchmark.extra_info["tuples added"] = grown
    report_addition(benchmark)
    del engine
    # the same facts, evaluated from scratch (the declarations and events first, the rules last)
    fresh = prepared_engine(facts)
    fresh.load_text(DECLARATIONS + "".join(texts), name="all.events", kind="events")
    fresh.load(data_dir("rules"))
    assert fingerprint(fresh) == after


def report_addition(benchmark) -> None:
    """Record an addition's best and worst times next to the full evaluation's, and its rounds
    one by one: the first addition to a freshly evaluated engine also compiles the delta
    variants and builds the small indexes they probe; the next few read large relations in
    full while growing their indexes a part at a time; the rounds after that probe them."""
    full, added, rounds = _FULL.get("min"), minimum(benchmark), round_times(benchmark)
    if full and added:
        slowest = max(rounds)
        benchmark.extra_info["ratio to full evaluation (min / min)"] = added / full
        benchmark.extra_info["ratio to full evaluation (slowest round / min)"] = slowest / full
        print(f"\nadding one event: {added:.3f} s at best, {slowest:.3f} s at worst: "
              f"{100 * added / full:.1f}% and {100 * slowest / full:.1f}% of a full evaluation ({full:.1f} s)")
    benchmark.extra_info["round times (s)"] = rounds
    print(f"adding one event, round by round: {rounds} s")


@pytest.mark.benchmark(group=GROUP)
def test_rule_library_add_one_event_row(benchmark) -> None:
    """As above, but the event added as one row of `event` with `Engine.add_facts` (no status,
    no evidence: one relation, one tuple)."""
    facts = generate()
    engine = evaluate_library(facts)
    rows = []

    def setup():
        number = len(rows)
        rows.append((f"row{number}", dt.date(2024, 12, 10 + number), dt.date(2024, 12, 10 + number),
                     "A02", "impose_sanctions", "A01"))
        return ("event", [rows[-1]]), {}

    benchmark.pedantic(engine.add_facts, setup=setup, rounds=INCREMENTAL_ROUNDS, iterations=1)
    assert engine.size("event") == EVENTS + INCREMENTAL_ROUNDS
    after = fingerprint(engine)
    report_addition(benchmark)
    del engine
    facts = dict(facts)
    facts["event"] = facts["event"] + rows
    assert fingerprint(evaluate_library(facts)) == after


if __name__ == "__main__":
    facts = generate()
    tracemalloc.start()
    began = time.perf_counter()
    engine = evaluate_library(facts)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"whole library on {EVENTS} events: {elapsed:.1f} s, peak memory {peak / 2**20:.0f} MiB")
    for name in REPORTED:
        print(f"  {name}: {engine.size(name)}")
