"""The whole rule library on dense event data: inferred responses stay a small constant per event.

Two inputs:

- a generated stream at ICEWS density (about 900 international events a day for 30 days,
  27,000 events) from a fixed seed: 120 actors whose activity follows a Zipf law (as in ICEWS,
  where a handful of states take most events), verbs drawn with ICEWS's mix (mostly consultations
  and comments, a fifth conflict), 40 topics on 70% of events, 2% explicit response links, a few
  alignments, conditional threats and ultimatums;
- the ICEWS 2018 sample (`tests/datasets/fixtures/icews-events-2018-sample.tab`, 1,741 international
  events of 2018-06-01/02), when present, through a small adapter: actors are the source and
  target countries, each CAMEO code becomes a verb `cameo_<code>` with its Goldstein score, quad
  class and PLOVER type. ICEWS has no topic; inferred responses then come from reply verbs only
  (CAMEO 016, 110, 111, 114, 12x). With the v1 rules the sample gave 13,268 inferred responses
  (up to 73 per stimulus); now 14 (at most 1 per response, 7 per stimulus). The generated stream
  gives 4,317 inferred responses for 27,000 events (at most 2 per response: one "inferred", one
  "via_ally"); the whole library takes 16-48 s on it, the conflict rules alone 5-9 s (2 shared
  CPUs, depending on load).

The facts go straight into the schema relations (`Engine.add_facts`), the rules are loaded last.
No wall-clock assertion: the test checks that evaluation finishes and the bound holds.

    python tests/rules/test_dense.py       # prints the counts and times of both inputs
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.load import event_schemas
from reasoner.resources import data_dir

SEED = 20180601
DAYS = 30
EVENTS_PER_DAY = 900
ACTORS = 150
ZIPF_EXPONENT = 0.8
TOPICS = 40
FIRST_DAY = dt.date(2018, 6, 1)
# The sample ships with the tests (copied from ../shared/data/samples, origin in the README there).
ICEWS_SAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "fixtures" / "icews-events-2018-sample.tab"

# ICEWS-like verb mix: CAMEO roots 01-05 (comments, appeals, intentions, consultations, diplomatic
# cooperation) about 70%, material cooperation 8%, verbal conflict 15%, material conflict 7%.
VERB_WEIGHTS = {
    "make_statement": 9, "express_pessimism": 2, "express_optimism": 2, "consider_policy": 2,
    "appeal": 3, "appeal_to_negotiate": 2, "express_intent_to_cooperate": 6,
    "express_intent_to_meet": 8, "consult": 10, "meet": 8, "call": 3, "visit": 5, "host_visit": 5,
    "negotiate": 4, "praise": 4, "express_accord": 2, "agree": 3, "sign_agreement": 1,
    "cooperate_economically": 2, "provide_aid": 2, "provide_military_aid": 1,
    "provide_economic_aid": 1, "ease_sanctions": 1, "release_persons": 1,
    "demand": 1, "disapprove": 2, "criticize": 3, "accuse": 3, "reject": 2, "deny_responsibility": 1,
    "threaten": 1, "threaten_force": 1, "threaten_sanctions": 1, "protest": 1,
    "impose_sanctions": 2, "expel_diplomats": 1, "arrest": 2, "attack": 1, "aerial_attack": 1,
}


def _verbs() -> list[tuple]:
    rows = []
    for line in (data_dir("rules") / "verbs.facts").read_text(encoding="utf-8").splitlines():
        if line.strip():
            verb, cameo, goldstein, quad, plover = line.split("\t")
            rows.append((verb, cameo, float(goldstein), int(quad), plover))
    return rows


def generate(seed: int = SEED, days: int = DAYS, per_day: int = EVENTS_PER_DAY) -> dict[str, list[tuple]]:
    """A dense event stream: `days` x `per_day` events among ACTORS actors (Zipf activity)."""
    rng = random.Random(seed)
    facts: dict[str, list[tuple]] = {name: [] for name in event_schemas()}
    facts["verb"] = _verbs()
    actors = [f"C{i:03d}" for i in range(ACTORS)]
    activity = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(ACTORS)]
    topics = [f"topic{i:02d}" for i in range(TOPICS)]
    topic_weights = [1.0 / (rank + 1) for rank in range(TOPICS)]
    verbs, weights = list(VERB_WEIGHTS), list(VERB_WEIGHTS.values())
    facts["actor"] = [(a, f"Country {a}", "state") for a in actors]
    last_day = FIRST_DAY + dt.timedelta(days - 1)
    facts["source"] = [("gen", "generated", "dense", last_day, last_day, "none.txt")]
    recent: dict[tuple[str, str], list[str]] = {}
    number = 0
    for day_index in range(days):
        day = FIRST_DAY + dt.timedelta(day_index)
        for _ in range(per_day):
            actor = rng.choices(actors, activity)[0]
            target = actor
            while target == actor:
                target = rng.choices(actors, activity)[0]
            eid = f"e{number}"
            number += 1
            verb = rng.choices(verbs, weights)[0]
            facts["event"].append((eid, day, day, actor, verb, target))
            facts["event_status"].append((eid, "occurred"))
            facts["evidence"].append((eid, "gen", f"quote {eid}"))
            if rng.random() < 0.7:
                facts["event_arg"].append((eid, "topic", rng.choices(topics, topic_weights)[0]))
            earlier = recent.get((target, actor))
            if earlier and rng.random() < 0.02:
                facts["responds_to"].append((eid, rng.choice(earlier[-5:])))
            recent.setdefault((actor, target), []).append(eid)
    first, last = dt.date(1, 1, 1), dt.date(9999, 12, 31)
    for index in range(20):
        a, b = rng.sample(actors[:30], 2)
        facts["alignment"].append((a, b, "opposed" if index % 2 else "aligned", first, last))
    for index in range(100):
        issuer, addressee = rng.sample(actors[:30], 2)
        day = FIRST_DAY + dt.timedelta(rng.randrange(days))
        if index % 2:
            tid = f"t{index}"
            facts["conditional"].append((tid, "threat", issuer, addressee, day, day))
            facts["conditional_then"].append((tid, issuer, rng.choice(("impose_sanctions", "attack")), addressee))
        else:
            did = f"d{index}"
            facts["deadline"].append((did, issuer, addressee, day, day, day + dt.timedelta(7),
                                      addressee, "release_persons", "_"))
            facts["deadline_threat"].append((did, issuer, "impose_sanctions", addressee))
    return facts


# ---- the ICEWS sample ------------------------------------------------------------------------------
_ROOT_PLOVER = {
    1: "NONE", 2: "DEMAND", 3: "AGREE", 4: "CONSULT", 5: "COOPERATE", 6: "COOPERATE", 7: "AID",
    8: "CONCEDE", 9: "INVESTIGATE", 10: "DEMAND", 11: "DISAPPROVE", 12: "REJECT", 13: "THREATEN",
    14: "PROTEST", 15: "MOBILIZE", 16: "SANCTION", 17: "COERCE", 18: "ASSAULT", 19: "ASSAULT",
    20: "ASSAULT",
}
# CAMEO codes of the shipped reply verbs (rules/responses.dl): 016, 110, 111, 114, 12x.
_REPLY_CODES = ("016", "110", "111", "114", "12")


def _cameo_table(name: str) -> dict[str, str]:
    lines = (data_dir("cameo") / name).read_text(encoding="latin-1").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if line.strip())


def icews_facts(path: Path = ICEWS_SAMPLE) -> dict[str, list[tuple]]:
    """The international events of an ICEWS export (source country != target country) as facts."""
    scores = _cameo_table("CAMEO.goldsteinscale.txt")
    facts: dict[str, list[tuple]] = {name: [] for name in event_schemas()}
    codes: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            source, target = row["Source Country"], row["Target Country"]
            if not source or not target or "NA" in (source, target) or source == target:
                continue
            code = row["CAMEO Code"]
            day = dt.date.fromisoformat(row["Event Date"])
            eid = f"i{row['Event ID']}"
            facts["event"].append((eid, day, day, source, f"cameo_{code}", target))
            facts["event_status"].append((eid, "occurred"))
            codes.add(code)
    facts["verb"] = [(f"cameo_{c}", c, float(scores[c]), _quad(c), _plover(c)) for c in sorted(codes)]
    return facts


def _quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def _plover(code: str) -> str:
    return "REJECT" if code == "016" else _ROOT_PLOVER[int(code[:2])]


def evaluate(facts: dict[str, list[tuple]], extra: str = "") -> Engine:
    engine = Engine(max_tuples=20_000_000)
    for schema in event_schemas().values():
        engine.add_schema(schema)
    for name, rows in facts.items():
        if rows:
            engine.add_facts(name, rows)
    if extra:
        engine.load_text(extra, name="extra.dl")
    engine.load(data_dir("rules"))
    return engine


def inferred_per_response(engine: Engine) -> Counter:
    return Counter(r for r, _, how in engine.relation("responds_how") if how in ("inferred", "via_ally"))


def inferred_per_stimulus(engine: Engine) -> Counter:
    return Counter(s for _, s, how in engine.relation("responds_how") if how in ("inferred", "via_ally"))


# ---- tests -----------------------------------------------------------------------------------------

def _check_bound(engine: Engine, events: int) -> None:
    per_response = inferred_per_response(engine)
    assert max(per_response.values(), default=0) <= 3
    assert sum(per_response.values()) <= 2 * events
    # at most one stimulus per response and kind
    kinds = Counter((r, how) for r, _, how in engine.relation("responds_how") if how in ("inferred", "via_ally"))
    assert max(kinds.values(), default=0) == 1


# The same daily density over 10 days (9,000 events), 3-5 s; the full 30 days (27,000 events,
# 16-55 s on 2 shared CPUs, most of it the other rule files' pairwise relations) under the
# `dense` marker, which CI runs too (its budget is 25 minutes; `-m "not dense"` leaves it out).
SHORT_DAYS = 10


@pytest.fixture(scope="module")
def short_engine() -> Engine:
    return evaluate(generate(days=SHORT_DAYS))


@pytest.fixture(scope="module")
def full_engine() -> Engine:
    return evaluate(generate())


def _check_dense(engine: Engine, days: int) -> None:
    events = days * EVENTS_PER_DAY
    assert engine.size("event") == events
    _check_bound(engine, events)
    assert engine.size("responds_how") > 0
    assert engine.size("escalation_step") > 0
    assert engine.size("reciprocation") > 0
    assert engine.size("dyad_trend") > 0
    # every step falls more than the threshold or turns verbal into material conflict: chains
    # are short, and their number stays proportional to the events
    longest = max((n for _, _, n in engine.relation("escalation_chain")), default=0)
    assert longest <= 20
    assert engine.size("escalation_chain") <= 5 * events


def test_dense_stream_inferred_responses_bounded(short_engine: Engine) -> None:
    _check_dense(short_engine, SHORT_DAYS)


@pytest.mark.dense
def test_dense_stream_full_size_inferred_responses_bounded(full_engine: Engine) -> None:
    _check_dense(full_engine, DAYS)


def test_icews_sample_inferred_responses_bounded() -> None:
    facts = icews_facts()
    reply = "".join(f'reply_verb("{v}").\n' for v, code, *_ in facts["verb"] if code.startswith(_REPLY_CODES))
    engine = evaluate(facts, reply)
    events = len(facts["event"])
    assert events == 1741
    _check_bound(engine, events)


def report(name: str, facts: dict[str, list[tuple]], extra: str = "") -> None:
    began = time.perf_counter()
    engine = evaluate(facts, extra)
    elapsed = time.perf_counter() - began
    per_response, per_stimulus = inferred_per_response(engine), inferred_per_stimulus(engine)
    hows = Counter(how for _, _, how in engine.relation("responds_how"))
    print(f"{name}: {len(facts['event'])} events, whole library {elapsed:.1f} s")
    print(f"  responds_how by kind: {dict(hows)}")
    print(f"  inferred responses: {sum(per_response.values())}, max per response "
          f"{max(per_response.values(), default=0)}, max per stimulus {max(per_stimulus.values(), default=0)}")
    for rel in ("escalation_step", "reciprocation", "de_escalation", "escalation_chain",
                "escalation_sequence", "dyad_month", "dyad_trend", "threat_carried_out", "time_pair"):
        if rel in engine.relations():
            print(f"  {rel}: {engine.size(rel)}")


if __name__ == "__main__":
    report("generated dense stream", generate())
    if ICEWS_SAMPLE.is_file():
        sample = icews_facts()
        report("ICEWS sample", sample,
               "".join(f'reply_verb("{v}").\n' for v, code, *_ in sample["verb"] if code.startswith(_REPLY_CODES)))
