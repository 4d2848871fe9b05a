"""Event AST to facts: resolve aliases, check every reference, and emit the schema's relations.

`lower(files, known)` lowers a set of parsed files together (they may refer to each other) on
top of the ids an earlier load defined (`known`). Every problem of the whole set is collected; if
there is any, `CheckError` is raised and nothing is produced. The relations are those of
`reasoner.events.schema`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from reasoner.errors import CheckError, Diagnostic, error, warning
from reasoner.gcpause import paused_gc
from reasoner.events.ast import (
    ActorDecl, Citation, DateSpec, DeadlineDecl, EventDecl, EventFile, EvidenceDecl, Name, Pattern,
    PersonDecl, PreconditionDecl, SourceDecl,
)
from reasoner.events.schema import BEGINNING, END_OF_TIME, NO_TARGET, RELATIONS, WILDCARD
from reasoner.events.suggest import did_you_mean
from reasoner.events.vocabulary import Vocabulary, load_vocabulary
from reasoner.source import Span

STATUSES = ("occurred", "announced", "planned", "cancelled", "denied", "conditional")
DEFAULT_STATUS = "occurred"

Row = tuple
Facts = dict[str, list[Row]]


@attrs.frozen
class KnownIds:
    """The ids defined so far, so that a later load can refer to them.

    `events` holds the ids of events, preconditions and deadlines (one namespace: evidence,
    speakers and response links refer to any of them).
    """

    actors: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    persons: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()

    def actor_names(self) -> Iterable[str]:
        return [*self.actors, *self.aliases]


@attrs.frozen
class EventFacts:
    """What lowering produced: facts by relation, where each came from, and the ids now known."""

    facts: dict[str, list[Row]]
    origins: dict[tuple[str, Row], Span]
    known: KnownIds
    warnings: tuple[Diagnostic, ...] = ()

    def count(self, relation: str) -> int:
        return len(self.facts.get(relation, ()))


def lower(
    files: list[EventFile],
    known: KnownIds | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    include_vocabulary: bool = True,
) -> EventFacts:
    """Lower parsed files to facts; raises `CheckError` with every problem of the set.

    With `include_vocabulary` the `verb` relation holds the whole vocabulary, so that rules can
    join on it whatever the events use.
    """
    lowering = _Lowering(known or KnownIds(), vocabulary or load_vocabulary())
    with paused_gc():
        return lowering.run(files, include_vocabulary)


class _Lowering:
    def __init__(self, known: KnownIds, vocabulary: Vocabulary):
        self.known = known
        self.vocabulary = vocabulary
        self.diagnostics: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.facts: Facts = {relation.name: [] for relation in RELATIONS}
        self.origins: dict[tuple[str, Row], Span] = {}
        self.actors: set[str] = set(known.actors)
        self.aliases: dict[str, str] = dict(known.aliases)
        self.persons: set[str] = set(known.persons)
        self.sources: set[str] = set(known.sources)
        self.events: set[str] = set(known.events)

    # ---- driver --------------------------------------------------------------------------
    def run(self, files: list[EventFile], include_vocabulary: bool) -> EventFacts:
        statements = [s for f in files for s in f.statements]
        for statement in statements:
            self.declare(statement)
        for statement in statements:
            self.emit(statement)
        if self.diagnostics:
            raise CheckError(self.diagnostics)
        if include_vocabulary:
            self.facts["verb"] = [verb.fact() for verb in self.vocabulary]
        known = KnownIds(
            frozenset(self.actors), MappingProxyType(dict(self.aliases)), frozenset(self.persons),
            frozenset(self.sources), frozenset(self.events),
        )
        return EventFacts(self.facts, self.origins, known, tuple(self.warnings))

    def fail(self, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(error(message, span, hint))

    def add(self, relation: str, row: Row, span: Span) -> None:
        key = (relation, row)
        if key not in self.origins:
            self.origins[key] = span
            self.facts[relation].append(row)

    # ---- pass 1: ids -----------------------------------------------------------------------
    def declare(self, statement: object) -> None:
        if isinstance(statement, (EventDecl, PreconditionDecl, DeadlineDecl)):
            self.define(statement.id, self.events, "statement id")
        elif isinstance(statement, SourceDecl):
            self.define(statement.id, self.sources, "source")
        elif isinstance(statement, PersonDecl):
            self.define(statement.id, self.persons, "person")
        elif isinstance(statement, ActorDecl):
            self.declare_actor(statement)

    def define(self, name: Name, seen: set[str], what: str) -> None:
        if name.text in seen:
            self.fail(f"duplicate {what} `{name.text}`", name.span,
                      f"each {what} is defined once; choose another id")
        seen.add(name.text)

    def declare_actor(self, actor: ActorDecl) -> None:
        if actor.id.text in self.actors or actor.id.text in self.aliases:
            self.fail(f"duplicate actor `{actor.id.text}`", actor.id.span,
                      "each actor id or alias is defined once")
        self.actors.add(actor.id.text)
        for alias in actor.aliases:
            taken = self.aliases.get(alias.text)
            if alias.text in self.actors or (taken is not None and taken != actor.id.text):
                owner = taken or alias.text
                self.fail(f"alias `{alias.text}` is already a name of actor `{owner}`", alias.span)
            self.aliases[alias.text] = actor.id.text

    # ---- references ------------------------------------------------------------------------
    def actor(self, name: Name | None, *, pattern: bool = False) -> str:
        if name is None:
            return WILDCARD if pattern else NO_TARGET
        text = name.text
        if text in self.actors:
            return text
        canonical = self.aliases.get(text)
        if canonical is not None:
            return canonical
        if text == WILDCARD:
            if pattern:
                return WILDCARD
            self.fail("the wildcard `_` is allowed only in patterns", name.span,
                      "an event names its actor and target; leave the target out if there is none")
            return text
        self.fail(f"unknown actor `{text}`", name.span,
                  did_you_mean(text, [*self.actors, *self.aliases])
                  or "declare it first: actor ID \"NAME\" aka ALIAS")
        return text

    def verb(self, name: Name, *, pattern: bool = False) -> str:
        text = name.text
        if text in self.vocabulary or (pattern and text == WILDCARD):
            return text
        self.fail(f"unknown verb `{text}`", name.span,
                  did_you_mean(text, self.vocabulary.verbs)
                  or "the verbs are listed in rules/verbs.facts")
        return text

    def reference(self, name: Name, seen: set[str], what: str) -> str:
        if name.text not in seen:
            self.fail(f"unknown {what} `{name.text}`", name.span, did_you_mean(name.text, seen))
        return name.text

    def pattern(self, pattern: Pattern) -> tuple[str, str, str]:
        return (self.actor(pattern.actor, pattern=True), self.verb(pattern.verb, pattern=True),
                self.actor(pattern.target, pattern=True))

    # ---- pass 2: facts ---------------------------------------------------------------------
    def emit(self, statement: object) -> None:
        if isinstance(statement, EventDecl):
            self.event(statement)
        elif isinstance(statement, PreconditionDecl):
            self.precondition(statement)
        elif isinstance(statement, DeadlineDecl):
            self.deadline(statement)
        elif isinstance(statement, EvidenceDecl):
            target = self.reference(statement.target, self.events, "event, precondition or deadline")
            self.support(target, statement.speakers, statement.citations)
        elif isinstance(statement, SourceDecl):
            self.source(statement)
        elif isinstance(statement, ActorDecl):
            kind = statement.kind.text if statement.kind else ""
            self.add("actor", (statement.id.text, statement.name.text, kind), statement.span)
            for alias in statement.aliases:
                self.add("alias", (alias.text, statement.id.text), alias.span)
        elif isinstance(statement, PersonDecl):
            self.person(statement)

    def source(self, source: SourceDecl) -> None:
        start, end = (source.published.first, source.published.last) if source.published else (BEGINNING, END_OF_TIME)
        row = (source.id.text, source.title.text, source.outlet.text if source.outlet else "",
               start, end, source.file.text if source.file else "")
        self.add("source", row, source.span)

    def person(self, person: PersonDecl) -> None:
        self.add("person", (person.id.text, person.name.text), person.span)
        for membership in person.affiliations:
            since = membership.valid_from.first if membership.valid_from else BEGINNING
            until = membership.valid_until.last if membership.valid_until else END_OF_TIME
            if until < since:
                self.fail("affiliation ends before it starts", membership.span,
                          "`until` must not be earlier than `from`")
            role = membership.role.text if membership.role else ""
            row = (person.id.text, self.actor(membership.actor), role, since, until)
            self.add("affiliation", row, membership.span)

    def event(self, event: EventDecl) -> None:
        id_ = event.id.text
        row = (id_, event.date.first, event.date.last, self.actor(event.actor), self.verb(event.verb),
               self.actor(event.target))
        self.add("event", row, event.span)
        self.add("date_precision", (id_, event.date.precision), event.date.span)
        status = DEFAULT_STATUS
        if event.status is not None:
            status = event.status.text
            if status not in STATUSES:
                self.fail(f"unknown status `{status}`", event.status.span,
                          did_you_mean(status, STATUSES) or "a status is one of: " + ", ".join(STATUSES))
        self.add("event_status", (id_, status), event.status.span if event.status else event.span)
        for arg in event.args:
            for value in arg.values:
                self.add("event_arg", (id_, arg.key.text, str(value.value)), arg.span)
        for stimulus in event.responds_to:
            other = self.reference(stimulus, self.events, "event")
            if other == id_:
                self.fail("an event cannot respond to itself", stimulus.span)
            self.add("responds_to", (id_, other), stimulus.span)
        self.support(id_, event.speakers, event.citations)
        if not event.citations:
            self.warnings.append(warning(f"event `{id_}` cites no evidence", event.id.span,
                                         'add: cite SOURCE "verbatim quote"'))

    def precondition(self, pre: PreconditionDecl) -> None:
        row = (pre.id.text, self.actor(pre.stated_by), pre.date.first, pre.date.last,
               *self.pattern(pre.goal), pre.kind.text, *self.pattern(pre.requirement))
        self.add("precondition", row, pre.span)
        self.add("date_precision", (pre.id.text, pre.date.precision), pre.date.span)
        self.support(pre.id.text, pre.speakers, pre.citations)

    def deadline(self, deadline: DeadlineDecl) -> None:
        due_spec = deadline.due
        if isinstance(due_spec, DateSpec):
            due = due_spec.last
        else:
            try:
                due = deadline.date.first + dt.timedelta(days=due_spec.days)
            except OverflowError:
                self.fail(f"the due date {due_spec.text} after {deadline.date.first} is past the year 9999",
                          due_spec.span)
                return
        if due < deadline.date.first:
            self.fail("deadline falls due before it is set", due_spec.span,
                      "the due date must not be earlier than the statement's date")
        row = (deadline.id.text, self.actor(deadline.issuer), self.actor(deadline.addressee),
               deadline.date.first, deadline.date.last, due, *self.pattern(deadline.demand))
        self.add("deadline", row, deadline.span)
        self.add("date_precision", (deadline.id.text, deadline.date.precision), deadline.date.span)
        for threat in deadline.threats:
            self.add("deadline_threat", (deadline.id.text, *self.pattern(threat)), threat.span)
        self.support(deadline.id.text, deadline.speakers, deadline.citations)

    def support(self, id_: str, speakers: tuple[Name, ...], citations: tuple[Citation, ...]) -> None:
        for speaker in speakers:
            person = self.reference(speaker, self.persons, "person")
            self.add("said_by", (id_, person), speaker.span)
        for citation in citations:
            source = self.reference(citation.source, self.sources, "source")
            if citation.quote is None:
                self.fail(f"missing quote after `cite {citation.source.text}`", citation.source.span,
                          f'cite the article verbatim: cite {citation.source.text} "..."')
                continue
            self.add("evidence", (id_, source, citation.quote.text), citation.quote.span)
