"""What a picture shows, read from an evaluated engine: plain data, drawn by `draw.py`.

Keeping the data apart from the drawing lets tests check the plotted points exactly, and lets
the HTML report and the REPL reuse them. Every relation is optional: a picture of a program
without the rule library shows what the program has (events at least).

- the timeline: one row per directed dyad ("USA → RUS"), each act a mark at its date (a bar over
  a partial date's range), coloured by its hostility level; escalation steps as arrows from the
  stimulus to the response; deadlines from their issue to their due date; preconditions from the
  day they were stated to the report date, with their status.
- the dyad trend: per month and direction, the Goldstein sum and the share of conflict.
"""

from __future__ import annotations

import datetime as dt

import attrs

from reasoner.engine import Engine


@attrs.frozen
class Mark:
    id: str
    dyad: str
    start: dt.date
    end: dt.date
    verb: str
    level: int  # hostility, -3 (material conflict) .. +2 (material cooperation); 0 neutral


@attrs.frozen
class Arrow:
    stimulus: str
    response: str


@attrs.frozen
class Span:
    id: str
    label: str
    start: dt.date
    end: dt.date
    status: str


@attrs.frozen
class Timeline:
    dyads: tuple[str, ...]
    marks: tuple[Mark, ...]
    arrows: tuple[Arrow, ...]
    deadlines: tuple[Span, ...]
    preconditions: tuple[Span, ...]
    as_of: dt.date | None


@attrs.frozen
class TrendPoint:
    direction: str  # "A → B"
    month: str
    events: int
    goldstein_sum: float
    conflict_share: float


def dyad_label(actor: str, target: str) -> str:
    return f"{actor} → {target}" if target else actor


def relation_rows(engine: Engine, name: str) -> set[tuple]:
    """The tuples of a relation, or none when the program has no such relation."""
    return engine.relation(name) if name in engine.relations() else set()


def _level(goldstein: float, quad: int) -> int:
    """A hostility level from the verb table when the rule library gives none."""
    if goldstein == 0 or abs(goldstein) < 0.5:
        return 0
    material = quad in (2, 4)
    if goldstein > 0:
        return 2 if material else 1
    return -3 if material else -1


def as_of(engine: Engine) -> dt.date | None:
    days = sorted(row[0] for row in relation_rows(engine, "as_of"))
    return days[-1] if days else None


def timeline(engine: Engine, actors: tuple[str, ...] = ()) -> Timeline:
    """The timeline of the engine's acts (or events, without the rule library), for all dyads,
    the dyads of one actor, or the two directions between two actors."""
    wanted = set(actors)
    acts = relation_rows(engine, "act") or relation_rows(engine, "event")
    verbs = {row[0]: (row[2], row[3]) for row in relation_rows(engine, "verb")}
    levels = {row[0]: row[1] for row in relation_rows(engine, "hostility")}
    marks = []
    for act_id, start, end, actor, verb, target in acts:
        if wanted and not (wanted <= {actor, target} if len(wanted) == 2 else wanted & {actor, target}):
            continue
        level = levels.get(act_id)
        if level is None:
            level = _level(*verbs.get(verb, (0.0, 1)))
        marks.append(Mark(act_id, dyad_label(actor, target), start, end, verb, int(level)))
    marks.sort(key=lambda m: (m.start, m.end, m.id))
    shown = {m.id for m in marks}
    arrows = sorted(Arrow(s, r) for s, r in relation_rows(engine, "escalation_step") if s in shown and r in shown)
    report_day = as_of(engine)
    return Timeline(
        dyads=tuple(sorted({m.dyad for m in marks})),
        marks=tuple(marks),
        arrows=tuple(arrows),
        deadlines=tuple(_deadlines(engine, wanted, report_day)),
        preconditions=tuple(_preconditions(engine, wanted, report_day)),
        as_of=report_day,
    )


def _deadlines(engine: Engine, wanted: set[str], report_day: dt.date | None) -> list[Span]:
    due_in_force = {(row[0], row[1]): row[2] for row in relation_rows(engine, "deadline_due_in_force")}
    status = {(row[0], row[1]): row[2] for row in relation_rows(engine, "deadline_status")}
    spans = []
    for row in relation_rows(engine, "deadline"):
        deadline_id, issuer, addressee, start, _end, due = row[:6]
        if wanted and not wanted & {issuer, addressee}:
            continue
        due = due_in_force.get((deadline_id, report_day), due)
        label = f"{deadline_id}: {issuer} to {addressee}, {row[7]}"
        spans.append(Span(deadline_id, label, start, due, status.get((deadline_id, report_day), "")))
    return sorted(spans, key=lambda s: (s.start, s.id))


def _preconditions(engine: Engine, wanted: set[str], report_day: dt.date | None) -> list[Span]:
    status = {(row[0], row[1]): row[2] for row in relation_rows(engine, "precondition_status")}
    spans = []
    for row in relation_rows(engine, "precondition"):
        pre_id, side, start, _end, goal_actor, goal_verb, goal_target, kind, req_actor, req_verb = row[:10]
        if wanted and not wanted & {side, goal_actor, goal_target}:
            continue
        label = f"{pre_id}: {goal_actor} {goal_verb} {goal_target} {kind} {req_actor} {req_verb}"
        end = report_day if report_day and report_day >= start else start
        spans.append(Span(pre_id, label.replace("  ", " "), start, end,
                          status.get((pre_id, report_day), "")))
    return sorted(spans, key=lambda s: (s.start, s.id))


def trend(engine: Engine, a: str, b: str) -> tuple[TrendPoint, ...]:
    """The monthly Goldstein sum and conflict share of A → B and B → A, by month."""
    points = [
        TrendPoint(dyad_label(actor, target), month, events, goldstein, share)
        for actor, target, month, events, goldstein, share in relation_rows(engine, "dyad_month")
        if {actor, target} == {a, b}
    ]
    return tuple(sorted(points, key=lambda p: (p.month, p.direction)))
