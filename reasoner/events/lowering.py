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
    ActorDecl, AlignmentDecl, Arg, Citation, ConditionalDecl, DateSpec, DeadlineDecl, EventDecl,
    EventFile, EvidenceDecl, Name, Pattern, PersonDecl, PreconditionDecl, RelativeDate,
    RevisionDecl, SourceDecl, Voice, WithdrawalDecl,
)
from reasoner.events.framing import (
    ALIGNMENT_KINDS, ANONYMOUS, DEFAULT_STATUS, DEFAULT_WITHDRAWAL, MODES, PATTERN_PARTS, STATUSES,
    WITHDRAWAL_KINDS,
    default_mode, default_voice, outlet_of, same_as_cycles,
)
from reasoner.events.schema import BEGINNING, END_OF_TIME, NO_TARGET, RELATIONS, WILDCARD
from reasoner.events.vocabulary import Vocabulary, load_vocabulary
from reasoner.source import Span
from reasoner.suggest import did_you_mean


Row = tuple
Facts = dict[str, list[Row]]

# The statement kind of each dated statement class (`statement_kind(id, kind)`).
_KINDS = {
    EventDecl: "event", PreconditionDecl: "precondition", DeadlineDecl: "deadline",
    RevisionDecl: "revision", WithdrawalDecl: "withdrawal",
}
DatedDecl = EventDecl | PreconditionDecl | DeadlineDecl | ConditionalDecl | RevisionDecl | WithdrawalDecl


def statement_kind(statement: object) -> str | None:
    """event, precondition, deadline, threat, offer, revision or withdrawal (None otherwise)."""
    if isinstance(statement, ConditionalDecl):
        return statement.kind
    return _KINDS.get(type(statement))


# What makes two declarations of an actor or a person the same (a file may repeat one that
# another file made, word for word): name, kind and aliases; name and affiliations.
ActorSignature = tuple[str, str, frozenset[str]]
PersonSignature = tuple[str, frozenset[tuple]]


@attrs.frozen
class KnownIds:
    """The ids defined so far, so that a later load can refer to them.

    `events` holds the ids of all dated statements (one namespace: evidence, speakers and
    links refer to any of them), `kinds` the kind of each. `outlets` gives each source's outlet
    (for default attributions); `actor_decls` and `person_decls` what each actor and person was
    declared as, and where (a later file may repeat a declaration identically).
    """

    actors: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    persons: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    kinds: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    outlets: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    actor_decls: Mapping[str, tuple[ActorSignature, Span]] = attrs.field(factory=lambda: MappingProxyType({}))
    person_decls: Mapping[str, tuple[PersonSignature, Span]] = attrs.field(factory=lambda: MappingProxyType({}))

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
        self.kinds: dict[str, str] = dict(known.kinds)
        self.outlets: dict[str, str] = dict(known.outlets)
        self.actor_decls: dict[str, tuple[ActorSignature, Span]] = dict(known.actor_decls)
        self.person_decls: dict[str, tuple[PersonSignature, Span]] = dict(known.person_decls)
        self.persons_here: dict[str, PersonDecl] = {}  # the first declaration of each in this load
        self.repeats: set[int] = set()  # id() of declarations repeating one of another file
        # For the attributions decided at the end: speakers and sources of each statement,
        # its own first, then those of `evidence` statements.
        self.own_support: dict[str, tuple[list[str], list[str]]] = {}
        self.extra_support: dict[str, tuple[list[str], list[str]]] = {}
        self.framed: list[tuple[str, Span]] = []  # the dated statements of this load, in order
        self.voices: dict[str, Voice] = {}  # statement -> its `per` clause
        self.same_as: dict[str, Name] = {}  # statement -> the `same_as` name as written

    # ---- driver --------------------------------------------------------------------------
    def run(self, files: list[EventFile], include_vocabulary: bool) -> EventFacts:
        statements = [s for f in files for s in f.statements]
        for statement in statements:
            self.declare(statement)
        for statement in statements:
            self.emit(statement)
        self.attribute()
        self.check_same_as_cycles()
        if self.diagnostics:
            raise CheckError(self.diagnostics)
        if include_vocabulary:
            self.facts["verb"] = [verb.fact() for verb in self.vocabulary]
        known = KnownIds(
            frozenset(self.actors), MappingProxyType(dict(self.aliases)), frozenset(self.persons),
            frozenset(self.sources), frozenset(self.events), MappingProxyType(dict(self.kinds)),
            MappingProxyType(dict(self.outlets)), MappingProxyType(dict(self.actor_decls)),
            MappingProxyType(dict(self.person_decls)),
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
        kind = statement_kind(statement)
        if kind is not None:
            self.define(statement.id, self.events, "statement id")  # type: ignore[attr-defined]
            self.kinds.setdefault(statement.id.text, kind)  # type: ignore[attr-defined]
        elif isinstance(statement, SourceDecl):
            self.define(statement.id, self.sources, "source")
            self.outlets.setdefault(statement.id.text, statement.outlet.text if statement.outlet else "")
        elif isinstance(statement, PersonDecl):
            id_ = statement.id.text
            here = self.persons_here.get(id_)
            if self.is_repeat(statement, here is not None or id_ in self.person_decls, here):
                return
            self.define(statement.id, self.persons, "person")
            self.persons_here.setdefault(statement.id.text, statement)
        elif isinstance(statement, ActorDecl):
            first = self.actor_decls.get(statement.id.text)
            if self.is_repeat(statement, first is not None, first[1] if first else None):
                return
            self.declare_actor(statement)
            self.actor_decls.setdefault(statement.id.text, (_actor_signature(statement), statement.span))

    def is_repeat(self, statement: ActorDecl | PersonDecl, known: bool, first: object) -> bool:
        """Whether this declaration repeats one made in another file or an earlier load (it is
        then compared with it when facts are emitted); one in the same file is a duplicate."""
        if not known:
            return False
        first_span = getattr(first, "span", first)
        if isinstance(first_span, Span) and first_span.source is statement.span.source:
            return False
        self.repeats.add(id(statement))
        return True

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
                  did_you_mean(text, [*self.actors, *self.aliases], n=3)
                  or "declare it first: actor ID \"NAME\" aka ALIAS")
        return text

    def verb(self, name: Name, *, pattern: bool = False) -> str:
        text = name.text
        if text in self.vocabulary or (pattern and text == WILDCARD):
            return text
        self.fail(f"unknown verb `{text}`", name.span,
                  did_you_mean(text, self.vocabulary.verbs, n=3)
                  or "the verbs are listed in rules/verbs.facts")
        return text

    def reference(self, name: Name, seen: set[str], what: str) -> str:
        if name.text not in seen:
            self.fail(f"unknown {what} `{name.text}`", name.span, did_you_mean(name.text, seen, n=3))
        return name.text

    def reference_of_kind(self, name: Name, kind: str) -> str:
        """The id of a statement of the given kind (a deadline revised, a precondition
        withdrawn)."""
        found = self.kinds.get(name.text)
        if found is None:
            same_kind = [id_ for id_, k in self.kinds.items() if k == kind]
            self.fail(f"unknown {kind} `{name.text}`", name.span,
                      did_you_mean(name.text, same_kind, n=3) or f"name the id of a {kind} statement")
        elif found != kind:
            self.fail(f"`{name.text}` is {_a(found)}, not {_a(kind)}", name.span,
                      f"name the id of a {kind} statement")
        return name.text

    def pattern(self, pattern: Pattern) -> tuple[str, str, str]:
        if pattern.negated and pattern.actor.text == WILDCARD:
            self.fail("a negative pattern must name its actor", pattern.actor.span,
                      "name who must refrain: no ACTOR VERB [TARGET]")
        return (self.actor(pattern.actor, pattern=True), self.verb(pattern.verb, pattern=True),
                self.actor(pattern.target, pattern=True))

    def patterns(self, id_: str, clause: str, patterns: tuple[Pattern, ...]) -> list[tuple[str, str, str]]:
        """The rows of a statement's patterns of one part, and its `pattern_negated` row: the
        patterns of one part are all negative or all positive."""
        rows = [self.pattern(p) for p in patterns]
        if patterns:
            negated = patterns[0].negated
            for other in patterns[1:]:
                if other.negated != negated:
                    self.fail(f"`{clause}` patterns of one statement mix `no` and plain patterns",
                              other.span, "state the negative ones in a statement of their own")
                    break
            if negated:
                self.add("pattern_negated", (id_, PATTERN_PARTS[clause]), patterns[0].span)
        return rows

    # ---- pass 2: facts ---------------------------------------------------------------------
    def emit(self, statement: object) -> None:
        if isinstance(statement, EventDecl):
            self.event(statement)
        elif isinstance(statement, PreconditionDecl):
            self.precondition(statement)
        elif isinstance(statement, DeadlineDecl):
            self.deadline(statement)
        elif isinstance(statement, ConditionalDecl):
            self.conditional(statement)
        elif isinstance(statement, RevisionDecl):
            self.revision(statement)
        elif isinstance(statement, WithdrawalDecl):
            self.withdrawal(statement)
        elif isinstance(statement, AlignmentDecl):
            self.alignment(statement)
        elif isinstance(statement, EvidenceDecl):
            target = self.reference(statement.target, self.events, "statement")
            self.support(target, statement.speakers, statement.citations, own=False)
        elif isinstance(statement, SourceDecl):
            self.source(statement)
        elif isinstance(statement, ActorDecl):
            if id(statement) in self.repeats:
                self.compare(statement, "actor", _actor_signature(statement), self.actor_decls)
                return
            kind = statement.kind.text if statement.kind else ""
            self.add("actor", (statement.id.text, statement.name.text, kind), statement.span)
            for alias in statement.aliases:
                self.add("alias", (alias.text, statement.id.text), alias.span)
        elif isinstance(statement, PersonDecl):
            self.person(statement)

    def compare(self, statement: ActorDecl | PersonDecl, what: str, signature: tuple,
                first: Mapping[str, tuple[tuple, Span]]) -> None:
        """A repeated declaration must be identical to the first one."""
        known, span = first[statement.id.text]
        if signature != known:
            differs = [label for label, a, b in zip(_SIGNATURE_PARTS[what], signature, known) if a != b]
            self.fail(f"{what} `{statement.id.text}` is declared differently at {span.source.name}:{span.line}",
                      statement.id.span,
                      f"its {' and '.join(differs)} differ; repeat the declaration word for word "
                      "or give it another id")

    def source(self, source: SourceDecl) -> None:
        start, end = (source.published.first, source.published.last) if source.published else (BEGINNING, END_OF_TIME)
        row = (source.id.text, source.title.text, source.outlet.text if source.outlet else "",
               start, end, source.file.text if source.file else "")
        self.add("source", row, source.span)
        if source.url is not None:
            self.add("source_url", (source.id.text, source.url.text), source.url.span)

    def person(self, person: PersonDecl) -> None:
        rows = []
        for membership in person.affiliations:
            since = membership.valid_from.first if membership.valid_from else BEGINNING
            until = membership.valid_until.last if membership.valid_until else END_OF_TIME
            if until < since:
                self.fail("affiliation ends before it starts", membership.span,
                          "`until` must not be earlier than `from`")
            role = membership.role.text if membership.role else ""
            rows.append(((person.id.text, self.actor(membership.actor), role, since, until), membership.span))
        signature = (person.name.text, frozenset(row for row, _ in rows))
        if id(person) in self.repeats:
            self.compare(person, "person", signature, self.person_decls)
            return
        self.person_decls.setdefault(person.id.text, (signature, person.span))
        self.add("person", (person.id.text, person.name.text), person.span)
        for row, span in rows:
            self.add("affiliation", row, span)

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
                          did_you_mean(status, STATUSES, n=3) or "a status is one of: " + ", ".join(STATUSES))
        self.add("event_status", (id_, status), event.status.span if event.status else event.span)
        self.frame(event, status)
        if not event.citations:
            self.warnings.append(warning(f"event `{id_}` cites no evidence", event.id.span,
                                         'add: cite SOURCE "verbatim quote"'))

    def precondition(self, pre: PreconditionDecl) -> None:
        row = (pre.id.text, self.actor(pre.stated_by), pre.date.first, pre.date.last,
               *self.pattern(pre.goal), pre.kind.text, *self.pattern(pre.requirement))
        self.add("precondition", row, pre.span)
        self.add("date_precision", (pre.id.text, pre.date.precision), pre.date.span)
        for clause, pattern in (("goal", pre.goal), (pre.kind.text, pre.requirement)):
            if pattern.negated:
                self.add("pattern_negated", (pre.id.text, PATTERN_PARTS[clause]), pattern.span)
        self.frame(pre)

    def due(self, date: DateSpec, due_spec: DateSpec | RelativeDate, what: str) -> dt.date | None:
        """The last day to comply: a date's last day, or days after the statement's first day."""
        if isinstance(due_spec, DateSpec):
            due = due_spec.last
        else:
            try:
                due = date.first + dt.timedelta(days=due_spec.days)
            except OverflowError:
                self.fail(f"the due date {due_spec.text} after {date.first} is past the year 9999",
                          due_spec.span)
                return None
        if due < date.first:
            self.fail(f"{what} falls due before it is set", due_spec.span,
                      "the due date must not be earlier than the statement's date")
        return due

    def deadline(self, deadline: DeadlineDecl) -> None:
        due = self.due(deadline.date, deadline.due, "deadline")
        if due is None:
            return
        demand = self.patterns(deadline.id.text, "demands", (deadline.demand,))[0]
        row = (deadline.id.text, self.actor(deadline.issuer), self.actor(deadline.addressee),
               deadline.date.first, deadline.date.last, due, *demand)
        self.add("deadline", row, deadline.span)
        self.add("date_precision", (deadline.id.text, deadline.date.precision), deadline.date.span)
        for threat, pattern in zip(deadline.threats, self.patterns(deadline.id.text, "threat", deadline.threats)):
            self.add("deadline_threat", (deadline.id.text, *pattern), threat.span)
        self.frame(deadline)

    def conditional(self, statement: ConditionalDecl) -> None:
        id_ = statement.id.text
        row = (id_, statement.kind, self.actor(statement.issuer), self.actor(statement.addressee),
               statement.date.first, statement.date.last)
        self.add("conditional", row, statement.span)
        self.add("date_precision", (id_, statement.date.precision), statement.date.span)
        for relation, clause, patterns in (("conditional_if", "if", statement.conditions),
                                           ("conditional_then", "then", statement.consequences)):
            for pattern, rowed in zip(patterns, self.patterns(id_, clause, patterns)):
                self.add(relation, (id_, *rowed), pattern.span)
        self.frame(statement)

    def revision(self, statement: RevisionDecl) -> None:
        id_ = statement.id.text
        deadline = self.reference_of_kind(statement.deadline, "deadline")
        self.actor(statement.actor)
        due = self.due(statement.date, statement.due, "revised deadline")
        if due is not None:
            row = (id_, deadline, statement.date.first, statement.date.last, due)
            self.add("deadline_revision", row, statement.span)
        self.add("date_precision", (id_, statement.date.precision), statement.date.span)
        self.frame(statement)

    def withdrawal(self, statement: WithdrawalDecl) -> None:
        id_ = statement.id.text
        precondition = self.reference_of_kind(statement.precondition, "precondition")
        how = DEFAULT_WITHDRAWAL
        if statement.how is not None:
            how = self.word(statement.how, WITHDRAWAL_KINDS, "withdrawal kind")
        row = (id_, precondition, self.actor(statement.actor), statement.date.first,
               statement.date.last, how)
        self.add("precondition_withdrawn", row, statement.span)
        self.add("date_precision", (id_, statement.date.precision), statement.date.span)
        self.frame(statement)

    def alignment(self, statement: AlignmentDecl) -> None:
        a, b = self.actor(statement.a), self.actor(statement.b)
        kind = self.word(statement.kind, ALIGNMENT_KINDS, "alignment kind")
        if a == b:
            self.fail(f"an actor is not aligned with or opposed to itself", statement.b.span,
                      "name two different actors")
        since = statement.valid_from.first if statement.valid_from else BEGINNING
        until = statement.valid_until.last if statement.valid_until else END_OF_TIME
        if until < since:
            self.fail("alignment ends before it starts", (statement.valid_until or statement).span,
                      "`until` must not be earlier than `from`")
        self.add("alignment", (a, b, kind, since, until), statement.span)

    def word(self, name: Name, allowed: tuple[str, ...], what: str) -> str:
        """A word of a closed set (a mode, an alignment kind...), or a diagnostic."""
        if name.text not in allowed:
            self.fail(f"unknown {what} `{name.text}`", name.span,
                      did_you_mean(name.text, allowed, n=3) or f"write one of: {', '.join(allowed)}")
        return name.text

    # ---- what every dated statement says about itself -----------------------------------------
    def frame(self, statement: DatedDecl, status: str | None = None) -> None:
        """statement_kind, modality, links (same_as, because_of, responds_to), arguments and
        support; the attribution is decided at the end, once every `evidence` is read."""
        id_ = statement.id.text
        self.add("statement_kind", (id_, statement_kind(statement)), statement.id.span)
        framing = statement.framing
        if framing.mode is not None:
            mode = self.word(framing.mode, MODES, "modality")
            self.add("modality", (id_, mode), framing.mode.span)
        else:
            self.add("modality", (id_, default_mode(status)), statement.id.span)
        self.framed.append((id_, statement.id.span))
        if framing.voice is not None:
            self.voices[id_] = framing.voice
        if framing.same_as is not None:
            original = self.reference(framing.same_as, self.events, "statement")
            self.same_as[id_] = framing.same_as
            self.add("same_as", (id_, original), framing.same_as.span)
        for cause in framing.because_of:
            other = self.reference(cause, self.events, "statement")
            if other == id_:
                self.fail("a statement cannot be caused by itself", cause.span)
            self.add("caused_by", (id_, other), cause.span)
        for stimulus in statement.responds_to:
            what = "event" if isinstance(statement, EventDecl) else "statement"
            other = self.reference(stimulus, self.events, what)
            if other == id_:
                self.fail(f"{_a(what)} cannot respond to itself", stimulus.span)
            self.add("responds_to", (id_, other), stimulus.span)
        self.arguments(id_, statement.args)
        self.support(id_, statement.speakers, statement.citations)

    def arguments(self, id_: str, args: tuple[Arg, ...]) -> None:
        for arg in args:
            for value in arg.values:
                self.add("event_arg", (id_, arg.key.text, str(value.value)), arg.span)

    def support(self, id_: str, speakers: tuple[Name, ...], citations: tuple[Citation, ...],
                own: bool = True) -> None:
        said, cited = (self.own_support if own else self.extra_support).setdefault(id_, ([], []))
        for speaker in speakers:
            person = self.reference(speaker, self.persons, "person")
            self.add("said_by", (id_, person), speaker.span)
            said.append(person)
        for citation in citations:
            source = self.reference(citation.source, self.sources, "source")
            cited.append(source)
            if citation.quote is None:
                self.fail(f"missing quote after `cite {citation.source.text}`", citation.source.span,
                          f'cite the article verbatim: cite {citation.source.text} "..."')
                continue
            self.add("evidence", (id_, source, citation.quote.text), citation.quote.span)

    def attribute(self) -> None:
        """One attribution per dated statement of this load: its `per` clause, else its first
        speaker, else the outlet of its first cited source (own `by`/`cite` before those of
        `evidence` statements)."""
        for id_, at in self.framed:
            said, cited = self.own_support.get(id_, ([], []))
            extra_said, extra_cited = self.extra_support.get(id_, ([], []))
            speakers, sources = said + extra_said, cited + extra_cited
            voice = self.voices.get(id_)
            if voice is None:
                self.add("attribution", (id_, *default_voice(speakers, sources, self.outlets)), at)
            else:
                self.add("attribution", (id_, *self.voice(id_, voice, sources)), voice.span)

    def voice(self, id_: str, voice: Voice, sources: list[str]) -> tuple[str, str]:
        """(voice_kind, voice) of a `per` clause."""
        if voice.name is None or voice.name.text == "outlet":  # `per outlet` (or `per "outlet"`)
            if not sources:
                self.fail(f"`per outlet`: `{id_}` cites no source, so its outlet is unknown",
                          voice.span, 'add: cite SOURCE "verbatim quote"')
                return "outlet", ""
            return "outlet", outlet_of(sources[0], self.outlets)
        text = voice.name.text
        if text == ANONYMOUS:
            return "anonymous", ""
        if text in self.persons:
            return "speaker", text
        if text in self.actors or text in self.aliases:
            return "actor", self.actor(voice.name)
        self.fail(f"unknown voice `{text}`", voice.name.span,
                  did_you_mean(text, [*self.persons, *self.actors, *self.aliases, ANONYMOUS, "outlet"], n=3)
                  or "write per outlet, per anonymous, per PERSON or per ACTOR")
        return "speaker", text

    def check_same_as_cycles(self) -> None:
        for cycle in same_as_cycles({id_: name.text for id_, name in self.same_as.items()}):
            first = self.same_as[cycle[0]]
            if len(cycle) == 1:
                self.fail(f"`{cycle[0]}` is `same_as` itself", first.span,
                          "`same_as` names the original report of the same remark or event")
                continue
            path = " -> ".join([*cycle, cycle[0]])
            self.fail(f"`same_as` cycle: {path}", first.span,
                      "`same_as` names the original report; the original has no `same_as`")


_SIGNATURE_PARTS = {"actor": ("name", "kind", "aliases"), "person": ("name", "affiliations")}


def _actor_signature(actor: ActorDecl) -> ActorSignature:
    return (actor.name.text, actor.kind.text if actor.kind else "", frozenset(a.text for a in actor.aliases))


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word
