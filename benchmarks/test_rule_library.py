"""The whole shipped rule library on a generated corpus: 100,000 events among 50 actors over ten
years (2015-2024), from a fixed seed.

The generated facts go straight into the schema relations (`Engine.add_facts`), so what is timed is
the evaluation of rules/*.dl, not the parsing of event statements. Mix: 80% exact days, 10% months,
10% short ranges; 90% of events occurred, the rest announced / planned / conditional / denied;
2% carry an explicit response link to an earlier event of the reverse dyad; 1% are statements
`about=` an earlier meeting; 200 deadlines and 300 preconditions.

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
import random
import time
import tracemalloc

import pytest

from reasoner import Engine
from reasoner.engine import event_schemas
from reasoner.resources import data_dir

SEED = 20251022
EVENTS = 100_000
ACTORS = 50
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3652
FULL_ROUNDS = 2
INCREMENTAL_ROUNDS = 10
REPORTED = ("responds", "escalation_step", "escalation_chain", "escalation_sequence",
            "de_escalation", "tit_for_tat", "dyad_month", "time_pair", "allen",
            "deadline_lapsed", "deadline_consequence", "precondition_unmet", "meeting_status",
            "conflicting_statements")


def _verbs() -> list[tuple]:
    rows = []
    for line in (data_dir("rules") / "verbs.facts").read_text(encoding="utf-8").splitlines():
        if line.strip():
            verb, cameo, goldstein, quad, plover = line.split("\t")
            rows.append((verb, cameo, float(goldstein), int(quad), plover))
    return rows


def generate(seed: int = SEED, events: int = EVENTS) -> dict[str, list[tuple]]:
    rng = random.Random(seed)
    verbs = _verbs()
    verb_names = [v[0] for v in verbs]
    actors = [f"A{i:02d}" for i in range(ACTORS)]
    facts: dict[str, list[tuple]] = {name: [] for name in event_schemas()}
    facts["verb"] = verbs
    facts["actor"] = [(a, f"Actor {a}", "state") for a in actors]
    facts["source"] = [("gen", "generated", "bench", FIRST_DAY + dt.timedelta(DAYS),
                        FIRST_DAY + dt.timedelta(DAYS), "none.txt")]
    by_dyad: dict[tuple[str, str], list[tuple[str, dt.date]]] = {}
    meetings: list[str] = []
    statuses = ["announced", "planned", "conditional", "denied"]
    for number in range(events):
        eid = f"e{number}"
        actor, target = rng.sample(actors, 2)
        day = FIRST_DAY + dt.timedelta(rng.randrange(DAYS))
        shape = rng.random()
        if shape < 0.8:
            start = end = day
        elif shape < 0.9:
            start = day.replace(day=1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        else:
            start, end = day, day + dt.timedelta(rng.randrange(1, 8))
        verb = rng.choice(verb_names)
        facts["event"].append((eid, start, end, actor, verb, target))
        facts["event_status"].append((eid, "occurred" if rng.random() < 0.9 else rng.choice(statuses)))
        facts["evidence"].append((eid, "gen", f"quote {number}"))
        if rng.random() < 0.5:
            facts["said_by"].append((eid, f"p{rng.randrange(200)}"))
        earlier = by_dyad.get((target, actor))
        if earlier and rng.random() < 0.02:
            facts["responds_to"].append((eid, rng.choice(earlier[-5:])[0]))
        if verb in ("meet", "negotiate"):
            meetings.append(eid)
        elif meetings and rng.random() < 0.01:
            facts["event_arg"].append((eid, "about", rng.choice(meetings[-50:])))
        by_dyad.setdefault((actor, target), []).append((eid, start))
    for number in range(200):
        issuer, addressee = rng.sample(actors, 2)
        issued = FIRST_DAY + dt.timedelta(rng.randrange(DAYS))
        due = issued + dt.timedelta(rng.choice((7, 30, 50, 90)))
        demand = rng.choice(("ceasefire", "release_persons", "deescalate", "negotiate"))
        did = f"d{number}"
        facts["deadline"].append((did, issuer, addressee, issued, issued, due, addressee, demand, "_"))
        facts["deadline_threat"].append((did, issuer, rng.choice(("impose_sanctions", "attack")), addressee))
    for number in range(300):
        side, other = rng.sample(actors, 2)
        stated = FIRST_DAY + dt.timedelta(rng.randrange(DAYS))
        kind = rng.choice(("requires", "only_if", "after", "unless"))
        facts["precondition"].append((f"c{number}", side, stated, stated, side,
                                      rng.choice(("negotiate", "meet", "normalize_relations")), other,
                                      kind, other, rng.choice(verb_names), side))
    return facts


def prepared_engine(facts: dict[str, list[tuple]]) -> Engine:
    engine = Engine()
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
