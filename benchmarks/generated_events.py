"""Generated event data for the rule-library benchmarks: events among 50 actors over ten years
(2015-2024), from a fixed seed, as rows of the event schema relations (docs/events.md).

Mix: 80% exact days, 10% months, 10% short ranges; 90% of events occurred, the rest announced /
planned / conditional / denied; half name a speaker (said_by); 2% carry an explicit response link
to one of the last five events of the reverse dyad; 1% are statements `about=` one of the last 50
meetings; then 200 deadlines and 300 preconditions.

`rows(events)` yields `(relation, row)` one at a time, so that ten million events can be written
to Parquet without holding them (`benchmarks/run_10m.py`); `generate(events)` collects them into
`{relation: [row, ...]}`. Both draw the same rows for the same seed and size.
"""

from __future__ import annotations

import collections
import datetime as dt
import random
from collections.abc import Iterator

from reasoner.load import event_schemas
from reasoner.resources import data_dir

SEED = 20251022
ACTORS = 50
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3652
DEADLINES = 200
PRECONDITIONS = 300


def verbs() -> list[tuple]:
    """The shipped verb table (rules/verbs.facts) as rows of `verb`."""
    rows = []
    for line in (data_dir("rules") / "verbs.facts").read_text(encoding="utf-8").splitlines():
        if line.strip():
            verb, cameo, goldstein, quad, plover = line.split("\t")
            rows.append((verb, cameo, float(goldstein), int(quad), plover))
    return rows


def rows(events: int, seed: int = SEED) -> Iterator[tuple[str, tuple]]:
    """Every generated row, as `(relation, row)`: the verbs, actors and source first, then each
    event's rows, then the deadlines and preconditions."""
    rng = random.Random(seed)
    verb_rows = verbs()
    verb_names = [v[0] for v in verb_rows]
    actors = [f"A{i:02d}" for i in range(ACTORS)]
    for verb in verb_rows:
        yield "verb", verb
    for actor in actors:
        yield "actor", (actor, f"Actor {actor}", "state")
    last_day = FIRST_DAY + dt.timedelta(DAYS)
    yield "source", ("gen", "generated", "bench", last_day, last_day, "none.txt")
    # only the last five events of a dyad and the last 50 meetings are ever drawn from
    by_dyad: dict[tuple[str, str], collections.deque] = {}
    meetings: collections.deque = collections.deque(maxlen=50)
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
        yield "event", (eid, start, end, actor, verb, target)
        yield "event_status", (eid, "occurred" if rng.random() < 0.9 else rng.choice(statuses))
        yield "evidence", (eid, "gen", f"quote {number}")
        if rng.random() < 0.5:
            yield "said_by", (eid, f"p{rng.randrange(200)}")
        earlier = by_dyad.get((target, actor))
        if earlier and rng.random() < 0.02:
            yield "responds_to", (eid, rng.choice(list(earlier))[0])
        if verb in ("meet", "negotiate"):
            meetings.append(eid)
        elif meetings and rng.random() < 0.01:
            yield "event_arg", (eid, "about", rng.choice(list(meetings)))
        by_dyad.setdefault((actor, target), collections.deque(maxlen=5)).append((eid, start))
    for number in range(DEADLINES):
        issuer, addressee = rng.sample(actors, 2)
        issued = FIRST_DAY + dt.timedelta(rng.randrange(DAYS))
        due = issued + dt.timedelta(rng.choice((7, 30, 50, 90)))
        demand = rng.choice(("ceasefire", "release_persons", "deescalate", "negotiate"))
        did = f"d{number}"
        yield "deadline", (did, issuer, addressee, issued, issued, due, addressee, demand, "_")
        yield "deadline_threat", (did, issuer, rng.choice(("impose_sanctions", "attack")), addressee)
    for number in range(PRECONDITIONS):
        side, other = rng.sample(actors, 2)
        stated = FIRST_DAY + dt.timedelta(rng.randrange(DAYS))
        kind = rng.choice(("requires", "only_if", "after", "unless"))
        yield "precondition", (f"c{number}", side, stated, stated, side,
                               rng.choice(("negotiate", "meet", "normalize_relations")), other,
                               kind, other, rng.choice(verb_names), side)


def generate(events: int, seed: int = SEED) -> dict[str, list[tuple]]:
    """The generated rows of every event schema relation (empty lists for those it leaves
    empty), by relation."""
    facts: dict[str, list[tuple]] = {name: [] for name in event_schemas()}
    for relation, row in rows(events, seed):
        facts[relation].append(row)
    return facts
