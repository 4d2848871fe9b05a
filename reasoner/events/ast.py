"""The event AST: attrs frozen classes, one per statement kind, each node with its source Span.

The parser builds these from the text (`reasoner.events.parser`); lowering turns them into facts
(`reasoner.events.lowering`). Names written as identifiers or as quoted strings both become a
`Name`; the quotes are gone and escapes resolved.
"""

from __future__ import annotations

import datetime as dt
from typing import Union

from typing import NamedTuple

import attrs

from reasoner.source import SourceText, Span


class Name(NamedTuple):
    """An identifier or a quoted string standing for a name, an id or a piece of text.
    (A named tuple: the reader makes one per token, and tuples are cheap to build.)"""

    text: str
    span: Span


@attrs.frozen
class Value:
    """The value of an event argument: a symbol, a string or a number."""

    value: str | int | float
    span: Span


@attrs.frozen
class DateSpec:
    """A written date and the interval of days it denotes (see `reasoner.events.dates`)."""

    text: str
    first: dt.date
    last: dt.date
    precision: str
    span: Span


@attrs.frozen
class RelativeDate:
    """A due date written as an offset from the statement's date (`+50d`)."""

    text: str
    days: int
    span: Span


@attrs.frozen
class Pattern:
    """An event pattern: actor, verb and target, where `_` matches anything.

    An omitted target is the wildcard `_` as well. A negated pattern (`no ACTOR VERB [TARGET]`)
    means that the actor does not do it.
    """

    actor: Name
    verb: Name
    target: Name | None
    span: Span
    negated: bool = False


@attrs.frozen
class Voice:
    """`per outlet` (name None), `per anonymous` or `per NAME` (a person or an actor)."""

    name: Name | None
    span: Span


@attrs.frozen
class Framing:
    """The clauses every dated statement may take about how it is reported: `per` (whose
    voice), `mode` (asserted, reported, hedged, denied), `same_as` (the same remark reported
    again) and `because_of` (what caused it)."""

    voice: Voice | None = None
    mode: Name | None = None
    same_as: Name | None = None
    because_of: tuple[Name, ...] = ()


@attrs.frozen
class Citation:
    """`cite SOURCE "quote"`: the source id and the verbatim quote (None when missing)."""

    source: Name
    quote: Name | None
    span: Span


@attrs.frozen
class Arg:
    """`key=value, value...`: a further argument of an event."""

    key: Name
    values: tuple[Value, ...]
    span: Span


@attrs.frozen
class Affiliation:
    """`of ACTOR as ROLE from DATE until DATE`: a person's membership, possibly time-bounded."""

    actor: Name
    role: Name | None
    valid_from: DateSpec | None
    valid_until: DateSpec | None
    span: Span


@attrs.frozen
class SourceDecl:
    id: Name
    title: Name
    outlet: Name | None
    published: DateSpec | None
    file: Name | None
    author: Name | None
    url: Name | None
    span: Span


@attrs.frozen
class ActorDecl:
    id: Name
    name: Name
    aliases: tuple[Name, ...]
    kind: Name | None
    span: Span


@attrs.frozen
class PersonDecl:
    id: Name
    name: Name
    affiliations: tuple[Affiliation, ...]
    span: Span


@attrs.frozen
class EventDecl:
    id: Name
    date: DateSpec
    actor: Name
    verb: Name
    target: Name | None
    status: Name | None
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    responds_to: tuple[Name, ...]
    args: tuple[Arg, ...]
    span: Span
    framing: Framing = Framing()


@attrs.frozen
class PreconditionDecl:
    id: Name
    date: DateSpec
    stated_by: Name
    goal: Pattern
    kind: Name
    requirement: Pattern
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span
    framing: Framing = Framing()
    responds_to: tuple[Name, ...] = ()
    args: tuple[Arg, ...] = ()


@attrs.frozen
class DeadlineDecl:
    id: Name
    date: DateSpec
    issuer: Name
    addressee: Name
    demand: Pattern
    due: DateSpec | RelativeDate
    threats: tuple[Pattern, ...]
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span
    framing: Framing = Framing()
    responds_to: tuple[Name, ...] = ()
    args: tuple[Arg, ...] = ()


@attrs.frozen
class ConditionalDecl:
    """`threat`/`offer ID DATE ISSUER to ADDRESSEE if PATTERN then PATTERN...`: what the issuer
    says it will do (`then`) if a condition is met (`if`)."""

    id: Name
    kind: str  # "threat" or "offer"
    date: DateSpec
    issuer: Name
    addressee: Name
    conditions: tuple[Pattern, ...]
    consequences: tuple[Pattern, ...]
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span
    framing: Framing = Framing()
    responds_to: tuple[Name, ...] = ()
    args: tuple[Arg, ...] = ()


@attrs.frozen
class RevisionDecl:
    """`revision ID DATE ACTOR of DEADLINE due DATE|+Nd`: a deadline moved."""

    id: Name
    date: DateSpec
    actor: Name
    deadline: Name
    due: DateSpec | RelativeDate
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span
    framing: Framing = Framing()
    responds_to: tuple[Name, ...] = ()
    args: tuple[Arg, ...] = ()


@attrs.frozen
class WithdrawalDecl:
    """`withdrawal ID DATE ACTOR of PRECONDITION [as waived|withdrawn]`."""

    id: Name
    date: DateSpec
    actor: Name
    precondition: Name
    how: Name | None
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span
    framing: Framing = Framing()
    responds_to: tuple[Name, ...] = ()
    args: tuple[Arg, ...] = ()


@attrs.frozen
class AlignmentDecl:
    """`alignment A aligned|opposed B [from DATE] [until DATE]`."""

    a: Name
    kind: Name
    b: Name
    valid_from: DateSpec | None
    valid_until: DateSpec | None
    span: Span


@attrs.frozen
class EvidenceDecl:
    """`evidence ID cite ...`: more evidence (and speakers) for a statement made elsewhere."""

    target: Name
    speakers: tuple[Name, ...]
    citations: tuple[Citation, ...]
    span: Span


Statement = Union[
    SourceDecl, ActorDecl, PersonDecl, EventDecl, PreconditionDecl, DeadlineDecl, EvidenceDecl,
    ConditionalDecl, RevisionDecl, WithdrawalDecl, AlignmentDecl,
]

# The statements with an id and a date, which take `per`, `mode`, `same_as` and `because_of`.
DatedStatement = Union[
    EventDecl, PreconditionDecl, DeadlineDecl, ConditionalDecl, RevisionDecl, WithdrawalDecl
]


@attrs.frozen
class EventFile:
    """One parsed `.events` text: its source and its statements in order."""

    source: SourceText
    statements: tuple[Statement, ...]

    def __iter__(self):
        return iter(self.statements)
