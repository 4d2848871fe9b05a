"""`:timeline`: the dated statements of the session in date order, read through the Engine API.

Events are shown with their verb, Goldstein score, status and source, as they always were; next
to them, in the same date order, every other dated statement of the event language:

- a deadline where it was issued (`deadline`: demand, threats) and where it falls due (`due`),
  once for the first due date and once for each revision (`revision` where it was stated);
- a precondition (side, goal, kind and requirement pattern) and its withdrawal or waiver;
- a conditional threat or offer (`if` condition, `then` consequences).

The status column of a deadline or a precondition is what the rules say as of the session's
as-of date: `deadline_status(deadline, as_of, status)` and
`precondition_status(precondition, as_of, status)`, when the loaded program has them (for the
date `as_of(day)` holds, or else the latest as-of date they have). A relation the session does not have is
skipped, so the timeline works on any program, with or without the rule library.
"""

from __future__ import annotations

import datetime

from reasoner.engine import Engine
from reasoner.repl.statements import date_text, pattern_text, rows
from reasoner.suggest import did_you_mean


class TimelineError(Exception):
    """An actor that the session does not know."""


COLUMNS = ["date", "id", "actor", "verb", "target", "goldstein", "status", "source", "details"]


def resolve_actor(engine: Engine, name: str) -> str:
    """The canonical id of an actor given by id or alias (`Moscow` -> `RUS`)."""
    relations = engine.relations()
    actors = {row[0] for row in engine.relation("actor")} if "actor" in relations else set()
    if name in actors:
        return name
    aliases: dict[str, str] = dict(engine.relation("alias")) if "alias" in relations else {}
    if name in aliases:
        return aliases[name]
    known = sorted(actors | set(aliases))
    near = did_you_mean(name, known)
    hint = f"; {near}" if near else ""
    raise TimelineError(f"no actor `{name}`{hint}")


def latest_status(engine: Engine, relation: str) -> tuple[dict[str, str], datetime.date | None]:
    """`relation(id, as_of, status)` as id -> status at the session's as-of date (the one
    `as_of(day)` holds, when the program has it and the relation has statuses for it; else the
    latest as-of date the relation has), and that date (None when the program has no such
    relation or it is empty)."""
    found = [row for row in rows(engine, relation, 3) if isinstance(row[1], datetime.date)]
    if not found:
        return {}, None
    days = {row[1] for row in found}
    current = {row[0] for row in rows(engine, "as_of", 1)} & days
    as_of = max(current) if current else max(days)
    statuses: dict[str, list[str]] = {}
    for statement, day, status in found:
        if day == as_of:
            statuses.setdefault(statement, []).append(str(status))
    return {k: "/".join(sorted(v)) for k, v in statuses.items()}, as_of


class _Reader:
    """The facts a timeline reads, once per call."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.negated: set[tuple[str, str]] = {(s, p) for s, p in rows(engine, "pattern_negated", 2)}
        self.mode = dict(rows(engine, "modality", 2))
        self.same_as = dict(rows(engine, "same_as", 2))
        self.voice = {statement: (kind, voice) for statement, kind, voice in rows(engine, "attribution", 3)}
        self.sources: dict[str, set[str]] = {}
        for statement, source, _quote in rows(engine, "evidence", 3):
            self.sources.setdefault(statement, set()).add(source)

    def pattern(self, statement: str, part: str, actor: str, verb: str, target: str) -> str:
        return pattern_text(actor, verb, target, (statement, part) in self.negated)

    def source(self, statement: str) -> str:
        return ", ".join(sorted(self.sources.get(statement, ())))

    def hedge(self, statement: str) -> list[str]:
        """How the statement is put, when not simply asserted by its speaker or outlet:
        `mode likely`, `per anonymous` (or the actor relaying it), `same as E` (a report again
        of the same remark or event)."""
        notes = []
        mode = self.mode.get(statement, "asserted")
        if mode != "asserted":
            notes.append(f"mode {mode}")
        kind, voice = self.voice.get(statement, ("", ""))
        if kind == "anonymous":
            notes.append("per anonymous")
        elif kind == "actor":
            notes.append(f"per {voice}")
        if statement in self.same_as:
            notes.append(f"same as {self.same_as[statement]}")
        return notes


def _row(start: datetime.date, end: datetime.date, statement: str, actor: str, verb: str, target: str,
         parties: set[str], *, goldstein: object = "", status: str = "", source: str = "",
         details: list[str] | tuple[str, ...] = ()) -> dict[str, object]:
    return {"date": date_text(start, end), "id": statement, "actor": actor, "verb": verb,
            "target": target, "goldstein": goldstein, "status": status, "source": source,
            "details": "; ".join(details), "_key": (start, end, statement, verb), "_parties": parties}


def _events(engine: Engine, read: _Reader) -> list[dict[str, object]]:
    goldstein = {row[0]: row[2] for row in rows(engine, "verb", 5)}
    status = dict(rows(engine, "event_status", 2))
    return [_row(start, end, event_id, actor, verb, target, {actor, target}, goldstein=goldstein.get(verb, ""),
                 status=status.get(event_id, ""), source=read.source(event_id), details=read.hedge(event_id))
            for event_id, start, end, actor, verb, target in rows(engine, "event", 6)]


def _deadlines(engine: Engine, read: _Reader) -> list[dict[str, object]]:
    status, _ = latest_status(engine, "deadline_status")
    threats: dict[str, list[str]] = {}
    for deadline_id, actor, verb, target in sorted(rows(engine, "deadline_threat", 4)):
        threats.setdefault(deadline_id, []).append(read.pattern(deadline_id, "threat", actor, verb, target))
    deadlines = {row[0]: row for row in rows(engine, "deadline", 9)}
    revisions = sorted(rows(engine, "deadline_revision", 5), key=lambda r: (r[2], r[0]))
    found = []
    for deadline_id, issuer, addressee, start, end, due, *demand in deadlines.values():
        parties = {issuer, addressee}
        state = status.get(deadline_id, "")
        details = [f"demands {read.pattern(deadline_id, 'demand', *demand)} by {due.isoformat()}"]
        details += [f"threat {t}" for t in threats.get(deadline_id, ())]
        later = [r for r in revisions if r[1] == deadline_id]
        if later:
            details.append("revised by " + ", ".join(r[0] for r in later))
        found.append(_row(start, end, deadline_id, issuer, "deadline", addressee, parties, status=state,
                          source=read.source(deadline_id), details=details + read.hedge(deadline_id)))
        found.append(_row(due, due, deadline_id, issuer, "due", addressee, parties, status=state,
                          details=[f"first due date, issued {date_text(start, end)}"
                                   + (" (revised since)" if later else "")]))
    for revision_id, deadline_id, start, end, due in revisions:
        issuer, addressee = deadlines[deadline_id][1:3] if deadline_id in deadlines else ("", "")
        parties = {issuer, addressee} - {""}
        found.append(_row(start, end, revision_id, issuer, "revision", addressee, parties,
                          status=status.get(deadline_id, ""), source=read.source(revision_id),
                          details=[f"of {deadline_id}: due {due.isoformat()}"] + read.hedge(revision_id)))
        found.append(_row(due, due, deadline_id, issuer, "due", addressee, parties,
                          status=status.get(deadline_id, ""),
                          details=[f"due date as revised by {revision_id} on {date_text(start, end)}"]))
    return found


def _preconditions(engine: Engine, read: _Reader) -> list[dict[str, object]]:
    status, _ = latest_status(engine, "precondition_status")
    found = []
    for (pre_id, side, start, end, goal_actor, goal_verb, goal_target, kind,
         req_actor, req_verb, req_target) in rows(engine, "precondition", 11):
        goal = read.pattern(pre_id, "goal", goal_actor, goal_verb, goal_target)
        requirement = read.pattern(pre_id, "requirement", req_actor, req_verb, req_target)
        parties = {side, goal_actor, goal_target, req_actor, req_target} - {"", "_"}
        found.append(_row(start, end, pre_id, side, "precondition", "", parties, status=status.get(pre_id, ""),
                          source=read.source(pre_id),
                          details=[f"goal {goal} {kind} {requirement}"] + read.hedge(pre_id)))
    preconditions = {row[0]: row for row in rows(engine, "precondition", 11)}
    for wd_id, pre_id, actor, start, end, how in rows(engine, "precondition_withdrawn", 6):
        pre = preconditions.get(pre_id)
        parties = {actor} | ({pre[1], pre[4], pre[6], pre[8], pre[10]} - {"", "_"} if pre else set())
        found.append(_row(start, end, wd_id, actor, "waiver" if how == "waived" else "withdrawal", "", parties,
                          source=read.source(wd_id),
                          details=[f"{how} precondition {pre_id}"] + read.hedge(wd_id)))
    return found


def _conditionals(engine: Engine, read: _Reader) -> list[dict[str, object]]:
    parts: dict[tuple[str, str], list[str]] = {}
    for relation, part in (("conditional_if", "condition"), ("conditional_then", "consequence")):
        for cond_id, actor, verb, target in sorted(rows(engine, relation, 4)):
            parts.setdefault((cond_id, relation), []).append(read.pattern(cond_id, part, actor, verb, target))
    found = []
    for cond_id, kind, issuer, addressee, start, end in rows(engine, "conditional", 6):
        details = [f"if {' and '.join(parts[(cond_id, 'conditional_if')])}"] \
            if (cond_id, "conditional_if") in parts else []
        details += [f"then {' and '.join(parts.get((cond_id, 'conditional_then'), ['?']))}"]
        found.append(_row(start, end, cond_id, issuer, kind, addressee, {issuer, addressee},
                          source=read.source(cond_id), details=[" ".join(details)] + read.hedge(cond_id)))
    return found


def timeline(engine: Engine, actors: list[str]) -> list[dict[str, object]]:
    """One row per event and per other dated statement (deadlines also where they fall due):
    with one actor, those it takes part in; with two, those between them. Sorted by date, then
    id."""
    wanted = [resolve_actor(engine, a) for a in actors]
    read = _Reader(engine)
    found = _events(engine, read) + _deadlines(engine, read) + _preconditions(engine, read) \
        + _conditionals(engine, read)
    chosen = []
    for row in found:
        parties = row.pop("_parties")
        if len(wanted) == 1 and wanted[0] not in parties:  # type: ignore[operator]
            continue
        if len(wanted) == 2 and not set(wanted) <= parties:  # type: ignore[operator]
            continue
        chosen.append(row)
    chosen.sort(key=lambda row: row["_key"])  # type: ignore[arg-type, return-value]
    for row in chosen:
        del row["_key"]
    return chosen


def status_note(engine: Engine) -> str:
    """`statuses as of 2025-10-27` when the rules gave deadlines or preconditions a status."""
    days = {day for relation in ("deadline_status", "precondition_status")
            for day in [latest_status(engine, relation)[1]] if day is not None}
    return "statuses as of " + ", ".join(sorted(d.isoformat() for d in days)) if days else ""
