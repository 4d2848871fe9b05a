"""Answers in plain words: each a sentence with dates, actors by name, statements as what they
say, and under it the quotes and sources of the statements it rests on.

    1. As of 27 October 2025, Russia's precondition for normalize relations with United States
       (requires United States lift sanctions Russia) is regressed: normalization_needs_...
       “any normalization of relations ...” (Dmitry Peskov, 4 March 2025; s003, NationPress)

`Words(engine)` reads the names once (actors, persons, sources, verbs, the dated statements of
`reasoner.repl.statements`); `sentence(template, values)` fills a template, `evidence(values)`
lists the quotes.
"""

from __future__ import annotations

import datetime
import re

import attrs

from reasoner.engine import Engine
from reasoner.questions.catalogue import PLACEHOLDER
from reasoner.repl.statements import Statement, rows, statements

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUOTES_PER_STATEMENT = 2


@attrs.frozen
class Quote:
    statement: str
    source: str
    quote: str
    speaker: str  # a person's name, or ""
    outlet: str
    date: str  # the statement's date in words

    def line(self) -> str:
        who = ", ".join(part for part in (self.speaker, self.date) if part)
        where = ", ".join(part for part in (self.source, self.outlet) if part)
        return f"“{self.quote}” ({who}; {where})" if who else f"“{self.quote}” ({where})"

    def as_dict(self) -> dict[str, str]:
        return {"statement": self.statement, "source": self.source, "quote": self.quote,
                "speaker": self.speaker, "outlet": self.outlet}


def day_words(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dates_words(start: datetime.date, end: datetime.date) -> str:
    if start == end:
        return day_words(start)
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1 and (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{day_words(start)} to {day_words(end)}"


def verb_words(verb: str) -> str:
    return verb.replace("_", " ")


def third_person(verb: str) -> str:
    """`impose sanctions` -> `imposes sanctions`."""
    first, _, rest = verb_words(verb).partition(" ")
    if first.endswith(("s", "sh", "ch", "x", "z")):
        first += "es"
    elif first.endswith("y") and first[-2:-1] not in "aeiou":
        first = first[:-1] + "ies"
    else:
        first += "s"
    return f"{first} {rest}".rstrip()


class Words:
    def __init__(self, engine: Engine, found: dict[str, Statement] | None = None):
        """`found`: the statements of the engine when the caller has them (the REPL's cache)."""
        self.engine = engine
        self.actors = {row[0]: str(row[1]) for row in rows(engine, "actor", 3)}
        self.persons = {row[0]: str(row[1]) for row in rows(engine, "person", 2)}
        self.sources = {row[0]: str(row[2]) for row in rows(engine, "source", 6)}
        self.verbs = {row[0] for row in rows(engine, "verb", 5)}
        self.statements: dict[str, Statement] = found if found is not None else statements(engine)
        self.said_by: dict[str, list[str]] = {}
        for statement, person in sorted(rows(engine, "said_by", 2)):
            self.said_by.setdefault(statement, []).append(person)
        self.evidence: dict[str, list[tuple[str, str]]] = {}
        for statement, source, quote in sorted(rows(engine, "evidence", 3)):
            self.evidence.setdefault(statement, []).append((source, quote))

    # ---- values --------------------------------------------------------------------------
    def actor(self, actor_id: str) -> str:
        return self.actors.get(actor_id, actor_id)

    def statement(self, statement: Statement) -> str:
        """`Russia criticizes United States (26 October 2025, unfriendly_act)`."""
        who = self.actor(statement.actor)
        if statement.kind == "precondition":
            pattern = " ".join(self.actors.get(w, verb_words(w) if w in self.verbs else w)
                               for w in statement.what.split())
            what = f"{who} sets a precondition: {pattern}"
        elif statement.kind in ("revision", "withdrawal"):
            what = f"{who} {third_person(statement.verb)} {statement.what}"
        else:
            what = " ".join(part for part in (who, third_person(statement.verb), self.actor(statement.target)) if part)
        notes = list(dict.fromkeys(n for n in statement.notes if not n.startswith("due")))
        due = [re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: day_words(datetime.date.fromisoformat(m.group(0))), n)
               for n in statement.notes if n.startswith("due")]
        what += "".join(f", {n}" for n in due)
        when = dates_words(statement.start, statement.end)
        return f"{what} ({when}{''.join(', ' + n for n in notes)}, {statement.id})"

    def value(self, value: object, style: str = "") -> str:
        if style == "id":
            return value.isoformat() if isinstance(value, datetime.date) else str(value)
        if isinstance(value, datetime.date):
            return day_words(value)
        if isinstance(value, float):
            return f"{round(value, 2):g}"
        if not isinstance(value, str):
            return str(value)
        if value == "_":
            return "anyone"
        if value in self.statements:
            return self.statement(self.statements[value])
        if value in self.actors:
            return self.actor(value)
        if value in self.verbs:
            return verb_words(value)
        month = MONTH.match(value)
        if month and 1 <= int(month.group(2)) <= 12:
            return f"{MONTHS[int(month.group(2)) - 1]} {month.group(1)}"
        if value == "de_escalation":
            return "de-escalation"
        return value.replace("_", " ") if re.fullmatch(r"[a-z]+(_[a-z]+)+", value) else value

    def sentence(self, template: str, values: dict[str, object]) -> str:
        text = PLACEHOLDER.sub(lambda m: self.value(values.get(m.group(1), "any"), m.group(2) or ""), template)
        text = re.sub(r"\s+([,.)])", r"\1", re.sub(r" {2,}", " ", text)).strip()
        text = re.sub(r"(\w)s's\b", r"\1s'", text)  # United States's -> United States'
        return text[:1].upper() + text[1:]

    # ---- evidence ------------------------------------------------------------------------
    def quoted(self, values: dict[str, object], order: list[str] | None = None) -> list[Quote]:
        """The quotes of every statement among the values (in the order of `order`, then the
        rest), at most QUOTES_PER_STATEMENT each."""
        names = (order or []) + sorted(k for k in values if k not in (order or []))
        seen: list[str] = []
        for name in names:
            value = values.get(name)
            if isinstance(value, str) and value in self.statements and value not in seen:
                seen.append(value)
        quotes = []
        for statement_id in seen:
            statement = self.statements[statement_id]
            speakers = [self.persons.get(p, p) for p in self.said_by.get(statement_id, [])]
            for source, quote in self.evidence.get(statement_id, [])[:QUOTES_PER_STATEMENT]:
                quotes.append(Quote(statement_id, source, quote, speakers[0] if speakers else "",
                                    self.sources.get(source, ""), dates_words(statement.start, statement.end)))
        return quotes


def template_order(template: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(template)]
