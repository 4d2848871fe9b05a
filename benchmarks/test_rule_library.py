"""The whole shipped rule library on a generated corpus: 100,000 events among 50 actors over ten
years (2015-2024), from a fixed seed.

The generated facts go straight into the schema relations (`Engine.add_facts`), so what is timed is
the evaluation of rules/*.dl, not the parsing of event statements. Mix: 80% exact days, 10% months,
10% short ranges; 90% of events occurred, the rest announced / planned / conditional / denied;
2% carry an explicit response link to an earlier event of the reverse dyad; 1% are statements
`about=` an earlier meeting; 200 deadlines and 300 preconditions.

    python -m pytest benchmarks/test_rule_library.py --benchmark-only
    python benchmarks/test_rule_library.py          # one run, prints time and peak memory
"""

from __future__ import annotations

import datetime as dt
import random
import time
import tracemalloc

from reasoner import Engine
from reasoner.engine import event_schemas
from reasoner.resources import data_dir

SEED = 20251022
EVENTS = 100_000
ACTORS = 50
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3652


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


def test_rule_library_100k_events(benchmark) -> None:
    facts = generate()
    engine = benchmark.pedantic(evaluate_library, args=(facts,), rounds=1, iterations=1)
    assert engine.size("event") == EVENTS
    assert engine.size("escalation_step") > 0
    assert engine.size("dyad_month") > 0


if __name__ == "__main__":
    facts = generate()
    tracemalloc.start()
    began = time.perf_counter()
    engine = evaluate_library(facts)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"whole library on {EVENTS} events: {elapsed:.1f} s, peak memory {peak / 2**20:.0f} MiB")
    for name in ("responds", "escalation_step", "escalation_chain", "escalation_sequence",
                 "de_escalation", "tit_for_tat", "dyad_month", "time_pair", "allen",
                 "deadline_lapsed", "deadline_consequence", "precondition_unmet", "meeting_status",
                 "conflicting_statements"):
        print(f"  {name}: {engine.size(name)}")
