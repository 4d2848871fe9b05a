"""Statement heads and clauses to AST nodes: which clause fits which statement, and how often.

Each statement kind takes a set of clauses (the keyword table, `reasoner.events.keywords`); some
may be given once, some repeatedly, some are required. A misplaced, repeated or missing clause is a diagnostic at the clause (or at the
statement's id), and the statement is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reasoner.errors import Diagnostic, error
from reasoner.events.ast import (
    ActorDecl, AlignmentDecl, ConditionalDecl, DeadlineDecl, EventDecl, EvidenceDecl, Framing,
    Name, PersonDecl, PreconditionDecl, RevisionDecl, SourceDecl, Statement, WithdrawalDecl,
)
from reasoner.events.build import Clause, RawStatement
from reasoner.events.keywords import DATED, REQUIREMENT_KINDS, STATEMENTS
from reasoner.source import Span

_WRITTEN = {"=": "key=value arguments", "is": "`is`"}


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _written(keyword: str) -> str:
    return _WRITTEN.get(keyword, f"`{keyword}`")


class _Clauses:
    """The clauses of one statement, grouped by keyword, with problems reported as found."""

    def __init__(self, raw: RawStatement, diagnostics: list[Diagnostic]):
        self.raw = raw
        self.diagnostics = diagnostics
        self.ok = True
        self.by_keyword: dict[str, list[Clause]] = {}
        kind = STATEMENTS[raw.kind]
        once, repeated = kind.once, kind.repeated
        for clause in raw.clauses:
            keyword = clause.keyword
            if keyword not in once and keyword not in repeated:
                allowed = ", ".join(sorted(_written(k).strip("`") for k in once | repeated))
                self.fail(
                    f"{_written(keyword)} does not apply to {_a(raw.kind)} statement",
                    clause.span,
                    f"{_a(raw.kind)} takes: {allowed}" if allowed else f"write it as: {kind.shape}",
                )
                continue
            seen = self.by_keyword.setdefault(keyword, [])
            if keyword in once and seen:
                self.fail(f"{_written(keyword)} given twice", clause.span,
                          f"{_a(raw.kind)} has at most one {_written(keyword)}")
                continue
            if clause.payload is None:  # a date that could not be read; already reported
                self.ok = False
            seen.append(clause)

    def fail(self, message: str, span: Any, hint: str | None = None) -> None:
        self.diagnostics.append(error(message, span, hint))
        self.ok = False

    def one(self, keyword: str) -> Any:
        found = self.by_keyword.get(keyword)
        return found[0].payload if found else None

    def all(self, keyword: str) -> tuple[Any, ...]:
        return tuple(c.payload for c in self.by_keyword.get(keyword, ()))

    def flat(self, keyword: str) -> tuple[Any, ...]:
        return tuple(item for c in self.by_keyword.get(keyword, ()) for item in c.payload)

    def framing(self) -> Framing:
        return Framing(self.one("per"), self.one("mode"), self.one("same_as"), self.flat("because_of"))

    def required(self, keyword: str, what: str, at: Name) -> Any:
        value = self.one(keyword)
        if value is None and keyword not in self.by_keyword:
            self.fail(f"{self.raw.kind} `{at.text}` has no {what}", at.span,
                      f"write it as: {STATEMENTS[self.raw.kind].shape}")
        return value


def assemble(raw: RawStatement, diagnostics: list[Diagnostic]) -> Statement | None:
    """The AST node for one statement, or None (with diagnostics) when its clauses do not fit."""
    clauses = _Clauses(raw, diagnostics)
    if any(head is None for head in raw.heads[:2]) and raw.kind in DATED:
        clauses.ok = False  # a malformed date, already reported
    node = _BUILDERS[raw.kind](raw, clauses)
    return node if clauses.ok else None


def _source(raw: RawStatement, c: _Clauses) -> Statement:
    id_, title = raw.heads
    return SourceDecl(id_, title, c.one("outlet"), c.one("published"), c.one("file"),
                      c.one("author"), c.one("url"), raw.span)


def _actor(raw: RawStatement, c: _Clauses) -> Statement:
    id_, name = raw.heads
    return ActorDecl(id_, name, c.flat("aka"), c.one("is"), raw.span)


def _person(raw: RawStatement, c: _Clauses) -> Statement:
    id_, name = raw.heads
    return PersonDecl(id_, name, c.all("of"), raw.span)


def _event(raw: RawStatement, c: _Clauses) -> Statement:
    id_, date, actor, verb, target = raw.heads
    return EventDecl(id_, date, actor, verb, target, c.one("status"), c.flat("by"), c.all("cite"),
                     c.flat("responds_to"), c.all("="), raw.span, c.framing())


def _precondition(raw: RawStatement, c: _Clauses) -> Statement | None:
    id_, date, actor = raw.heads
    goal = c.required("goal", "goal", id_)
    given = [k for k in REQUIREMENT_KINDS if k in c.by_keyword]
    if not given:
        c.fail(f"precondition `{id_.text}` has no requirement", id_.span,
               "add one of: requires PATTERN, only_if PATTERN, unless PATTERN, after PATTERN")
        return None
    if len(given) > 1:
        second = c.by_keyword[given[1]][0]
        c.fail("a precondition has one requirement", second.span,
               "state each further requirement as its own precondition")
        return None
    clause = c.by_keyword[given[0]][0]
    start = clause.span
    kind = Name(given[0], Span.at(start.source, start.line, start.column, len(given[0])))
    return PreconditionDecl(id_, date, actor, goal, kind, clause.payload, c.flat("by"),
                            c.all("cite"), raw.span, c.framing(), c.flat("responds_to"), c.all("="))


def _deadline(raw: RawStatement, c: _Clauses) -> Statement:
    id_, date, issuer, addressee = raw.heads
    demand = c.required("demands", "demand", id_)
    due = c.required("due", "due date", id_)
    return DeadlineDecl(id_, date, issuer, addressee, demand, due, c.all("threat"), c.flat("by"),
                        c.all("cite"), raw.span, c.framing(), c.flat("responds_to"), c.all("="))


_PAST = {"threat": "threatened", "offer": "offered"}


def _conditional(raw: RawStatement, c: _Clauses) -> Statement:
    id_, date, issuer, addressee = raw.heads
    if "then" not in c.by_keyword:
        c.fail(f"{raw.kind} `{id_.text}` has no consequence", id_.span,
               f"add what is {_PAST[raw.kind]}: then ACTOR VERB [TARGET]")
    return ConditionalDecl(id_, raw.kind, date, issuer, addressee, c.all("if"), c.all("then"),
                           c.flat("by"), c.all("cite"), raw.span, c.framing(),
                           c.flat("responds_to"), c.all("="))


def _revision(raw: RawStatement, c: _Clauses) -> Statement:
    id_, date, actor, deadline = raw.heads
    due = c.required("due", "new due date", id_)
    return RevisionDecl(id_, date, actor, deadline, due, c.flat("by"), c.all("cite"), raw.span,
                        c.framing(), c.flat("responds_to"), c.all("="))


def _withdrawal(raw: RawStatement, c: _Clauses) -> Statement:
    id_, date, actor, precondition, how = raw.heads
    return WithdrawalDecl(id_, date, actor, precondition, how, c.flat("by"), c.all("cite"),
                          raw.span, c.framing(), c.flat("responds_to"), c.all("="))


def _alignment(raw: RawStatement, c: _Clauses) -> Statement:
    a, kind, b, since, until = raw.heads
    return AlignmentDecl(a, kind, b, since, until, raw.span)


def _evidence(raw: RawStatement, c: _Clauses) -> Statement:
    (target,) = raw.heads
    if not c.by_keyword.get("cite"):
        c.fail(f"evidence for `{target.text}` cites nothing", target.span,
               'write it as: evidence ID cite SOURCE "QUOTE"')
    return EvidenceDecl(target, c.flat("by"), c.all("cite"), raw.span)


_BUILDERS: dict[str, Callable[[RawStatement, _Clauses], Statement | None]] = {
    "source": _source,
    "actor": _actor,
    "person": _person,
    "event": _event,
    "precondition": _precondition,
    "deadline": _deadline,
    "evidence": _evidence,
    "threat": _conditional,
    "offer": _conditional,
    "revision": _revision,
    "withdrawal": _withdrawal,
    "alignment": _alignment,
}
