"""`:timeline`: the events of the session in date order, read through the Engine API."""

from __future__ import annotations

import difflib

from reasoner.engine import Engine


class TimelineError(Exception):
    """An actor that the session does not know."""


def resolve_actor(engine: Engine, name: str) -> str:
    """The canonical id of an actor given by id or alias (`Moscow` -> `RUS`)."""
    relations = engine.relations()
    actors = {row[0] for row in engine.relation("actor")} if "actor" in relations else set()
    if name in actors:
        return name
    aliases = dict(engine.relation("alias")) if "alias" in relations else {}
    if name in aliases:
        return aliases[name]
    known = sorted(actors | set(aliases))
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f"; did you mean `{matches[0]}`?" if matches else ""
    raise TimelineError(f"no actor `{name}`{hint}")


def timeline(engine: Engine, actors: list[str]) -> list[dict[str, object]]:
    """One row per event: with one actor, the events it does or suffers; with two, the events
    between them (either way round). Sorted by date, then id."""
    relations = engine.relations()
    if "event" not in relations:
        return []
    wanted = [resolve_actor(engine, a) for a in actors]
    goldstein = {row[0]: row[2] for row in engine.relation("verb")} if "verb" in relations else {}
    status = dict(engine.relation("event_status")) if "event_status" in relations else {}
    sources: dict[str, set[str]] = {}
    if "evidence" in relations:
        for statement, source, _quote in engine.relation("evidence"):
            sources.setdefault(statement, set()).add(source)
    rows = []
    for event_id, start, end, actor, verb, target in engine.relation("event"):
        if len(wanted) == 1 and wanted[0] not in (actor, target):
            continue
        if len(wanted) == 2 and {actor, target} != set(wanted):
            continue
        rows.append({
            "date": start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}",
            "event": event_id,
            "actor": actor,
            "verb": verb,
            "target": target,
            "goldstein": goldstein.get(verb, ""),
            "status": status.get(event_id, ""),
            "source": ", ".join(sorted(sources.get(event_id, ()))),
            "_key": (start, end, event_id),
        })
    rows.sort(key=lambda row: row["_key"])
    for row in rows:
        del row["_key"]
    return rows


COLUMNS = ["date", "event", "actor", "verb", "target", "goldstein", "status", "source"]
