"""The dated statements of a session, read back from their facts, as short lines people read.

Every dated statement of the event language (docs/events.md) is stored as facts whose first
column is its id: `event`, `deadline`, `conditional` (threats and offers), `precondition`,
`deadline_revision` and `precondition_withdrawn`. `statements(engine)` reads them all into
`Statement`s with a date and a one-line summary in the shape of an event:

    us_oil_sanctions (2025-10-22 USA impose_sanctions RUS)
    trump_50_days (2025-07-14 USA give_ultimatum RUS, due 2025-09-02)
    summit_planned (2025-10 USA meet RUS, planned)
    parity (2025-10-27 RUS precondition: RUS negotiate USA only_if no USA attack RUS)

A relation the session does not have, or has with other columns than the schema's (the event
language and the rules change), is skipped. Only the facts are read, never a rule, so the
summaries do not depend on the rule library.
"""

from __future__ import annotations

import datetime

import attrs

from reasoner.engine import Engine

# relation -> its arity and the positions of (start, end): the shapes of reasoner/events/schema.py
SHAPES: dict[str, tuple[int, int, int]] = {
    "event": (6, 1, 2),
    "deadline": (9, 3, 4),
    "conditional": (6, 4, 5),
    "precondition": (11, 2, 3),
    "deadline_revision": (5, 2, 3),
    "precondition_withdrawn": (6, 3, 4),
}
# relations that add to a summary: (arity, what they say)
NOTES = {"event_status": 2, "modality": 2, "pattern_negated": 2}


@attrs.frozen
class Statement:
    id: str
    kind: str  # event, deadline, threat, offer, precondition, revision, withdrawal
    start: datetime.date
    end: datetime.date
    actor: str
    verb: str  # the event's verb, or what the statement does (give_ultimatum, threaten, ...)
    target: str
    notes: tuple[str, ...] = ()  # e.g. ("due 2025-09-02",), ("planned",), ("likely",)
    what: str = ""  # what a precondition or a withdrawal is about, after a colon

    def summary(self) -> str:
        """`2025-10-22 USA impose_sanctions RUS`, then what it is about after a colon and the
        notes after commas."""
        head = " ".join(part for part in (date_text(self.start, self.end), self.actor, self.verb, self.target)
                        if part)
        return ", ".join((head + (f": {self.what}" if self.what else ""), *self.notes))

    def labelled(self) -> str:
        """`us_oil_sanctions (2025-10-22 USA impose_sanctions RUS)`."""
        return f"{self.id} ({self.summary()})"


def date_text(start: datetime.date, end: datetime.date) -> str:
    """`2025-10-22`; a whole month `2025-10`, a whole year `2025`; else the range
    `2025-10-20..2025-10-27`."""
    if start == end:
        return start.isoformat()
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        if (start.year, start.month) == (end.year, end.month):
            return start.isoformat()[:7]
        if start.month == 1 and (end.month, end.day) == (12, 31) and start.year == end.year:
            return str(start.year)
    return f"{start.isoformat()}..{end.isoformat()}"


def rows(engine: Engine, name: str, arity: int) -> set[tuple]:
    """The tuples of `name` if the session has it with `arity` columns, else none."""
    if engine.relations().get(name) != arity:
        return set()
    return engine.relation(name)


def pattern_text(actor: str, verb: str, target: str, negated: bool = False) -> str:
    """`USA lift_sanctions RUS`, `no USA undermine_parity RUS`; "_" stays (it matches anything)."""
    text = " ".join(part for part in (actor, verb, target) if part)
    return f"no {text}" if negated else text


def _dated(row: tuple, start: int, end: int) -> bool:
    return isinstance(row[start], datetime.date) and isinstance(row[end], datetime.date)


def statements(engine: Engine) -> dict[str, Statement]:
    """Every dated statement of the session by id (an id stated by two relations: the first of
    `SHAPES`)."""
    status = dict(rows(engine, "event_status", 2))
    mode = dict(rows(engine, "modality", 2))
    negated = set(rows(engine, "pattern_negated", 2))
    found: dict[str, Statement] = {}

    def add(statement: Statement) -> None:
        hedge = mode.get(statement.id, "asserted")
        if hedge != "asserted":
            statement = attrs.evolve(statement, notes=(*statement.notes, hedge))
        found.setdefault(statement.id, statement)

    for row in rows(engine, "event", 6):
        if _dated(row, 1, 2):
            event_id, start, end, actor, verb, target = row
            state = status.get(event_id, "occurred")
            add(Statement(event_id, "event", start, end, actor, verb, target,
                          () if state == "occurred" else (state,)))
    deadlines = {row[0]: row for row in rows(engine, "deadline", 9) if _dated(row, 3, 4)}
    revised: dict[str, tuple] = {}  # deadline -> its latest revision (by date stated)
    for row in rows(engine, "deadline_revision", 5):
        if _dated(row, 2, 3) and (row[1] not in revised or row[2:4] > revised[row[1]][2:4]):
            revised[row[1]] = row
    for deadline_id, issuer, addressee, start, end, due, *_ in deadlines.values():
        due_text = f"due {due.isoformat()}"
        if deadline_id in revised and isinstance(revised[deadline_id][4], datetime.date):
            due_text += f", revised to {revised[deadline_id][4].isoformat()}"
        add(Statement(deadline_id, "deadline", start, end, issuer, "give_ultimatum", addressee, (due_text,)))
    for row in rows(engine, "conditional", 6):
        if _dated(row, 4, 5):
            cond_id, kind, issuer, addressee, start, end = row
            add(Statement(cond_id, kind, start, end, issuer, "threaten" if kind == "threat" else kind,
                          addressee))
    for row in rows(engine, "precondition", 11):
        if _dated(row, 2, 3):
            pre_id, side, start, end, goal_actor, goal_verb, goal_target, kind, req_actor, req_verb, req_target = row
            goal = pattern_text(goal_actor, goal_verb, goal_target, (pre_id, "goal") in negated)
            requirement = pattern_text(req_actor, req_verb, req_target, (pre_id, "requirement") in negated)
            add(Statement(pre_id, "precondition", start, end, side, "precondition", "",
                          what=f"{goal} {kind} {requirement}"))
    for row in rows(engine, "deadline_revision", 5):
        if _dated(row, 2, 3):
            rev_id, deadline_id, start, end, due = row
            issuer, addressee = (deadlines[deadline_id][1:3] if deadline_id in deadlines else ("", ""))
            add(Statement(rev_id, "revision", start, end, issuer, "revise_deadline", addressee,
                          what=f"{deadline_id} due {due.isoformat()}"))
    for row in rows(engine, "precondition_withdrawn", 6):
        if _dated(row, 3, 4):
            wd_id, pre_id, actor, start, end, how = row
            add(Statement(wd_id, "withdrawal", start, end, actor, "waive" if how == "waived" else "withdraw",
                          "", what=f"precondition {pre_id}"))
    return found


class StatementCache:
    """`statements(engine)` read again only when the engine is another (`:reset`) or its
    statement relations changed size (statements are added to a session; `:retract` and
    `:restore`, which may take some away, start a new cache)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.key: tuple = ()
        self.found: dict[str, Statement] = {}

    def get(self, engine: Engine) -> dict[str, Statement]:
        known = engine.relations()
        key = tuple(engine.size(name) if name in known else -1 for name in (*SHAPES, *NOTES))
        if engine is not self.engine or key != self.key:
            self.found = statements(engine)
            self.engine, self.key = engine, key
        return self.found


# ---- answers whose values are statement ids ---------------------------------------------------
def id_columns(answers: list[dict[str, object]], columns: list[str], found: dict[str, Statement],
               plain: tuple[str, ...] = ()) -> list[str]:
    """The columns (but `plain`) whose every value is a statement id ("" aside), at least one."""
    chosen = []
    for column in columns:
        if column in plain:
            continue
        values = {row[column] for row in answers}
        values.discard("")
        if values and all(isinstance(v, str) and v in found for v in values):
            chosen.append(column)
    return chosen


def with_details(answers: list[dict[str, object]], columns: list[str], found: dict[str, Statement],
                 plain: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """The answers with each statement id of an id column (see `id_columns`) shown with its
    date, actor, verb and target, `us_oil_sanctions (2025-10-22 USA impose_sanctions RUS)`,
    and the rows put in date order: by the dates of those columns, left to right."""
    chosen = id_columns(answers, columns, found, plain)
    if not chosen:
        return answers

    def when(row: dict[str, object]) -> tuple:
        days = []
        for column in chosen:
            statement = found.get(str(row[column]))
            days.append((statement.start, statement.end) if statement else (datetime.date.min,) * 2)
        return tuple(days)

    shown = []
    for row in sorted(answers, key=when):
        row = dict(row)
        for column in chosen:
            statement = found.get(str(row[column]))
            if statement is not None:
                row[column] = statement.labelled()
        shown.append(row)
    return shown
