"""One imported event and the facts of the event schema (docs/events.md) it becomes.

Every event gives the facts an `.events` statement would, but for three that would only repeat
the schema's defaults: `event` (one day), `event_status` occurred, `attribution` in the voice of
the outlet that published the article the row was coded from, `evidence` citing the row ("ICEWS
event 32889836 (story 47400351, sentence 2)", "GDELT event 564111644: <SOURCEURL>") from a
`source` per dataset and outlet, and `event_arg`s: the CAMEO code, the row's own Goldstein score,
intensity, quad class, mentions or fatalities, the actors' own codes, names and sectors.
Not given (`DEFAULTS_LEFT_OUT`): `date_precision` exact, `statement_kind` event and `modality`
asserted. A statement without them is read as having exactly those values by the rules
(rules/time.dl's time_bounds, rules/base.dl's statement_mode, talks.dl's kind tests), the REPL
and explanations; leaving them out saves three facts of the seventeen of a GDELT row, a sixth of
an import's time and memory.
"""

from __future__ import annotations

import datetime as dt

from functools import partial

from reasoner.datasets.actors import Actor, identifier
from reasoner.datasets.source_rows import RowText
from reasoner.events.schema import BEGINNING, END_OF_TIME
from reasoner.source import Span

# A Span from its five fields without the Python frame of NamedTuple's __new__ (a span per row).
new_span = partial(tuple.__new__, Span)


# The event schema's rows an import leaves out: their values are what their absence means.
DEFAULTS_LEFT_OUT = {"date_precision": "exact", "statement_kind": "event", "modality": "asserted"}


class Record:
    """An event read from one row (or several rows merged by de-duplication)."""

    __slots__ = ("id", "day", "actor", "target", "verb", "code", "args", "source", "outlet",
                 "quote", "file", "line", "root", "states", "counts")

    def __init__(self, id: str, day: dt.date, actor: Actor, target: Actor | None, verb: str,
                 code: str, args: list[tuple[str, str]], source: tuple[str, str], outlet: str,
                 quote: str, file: str, line: int, root: bool = True, states: bool = True,
                 counts: list[str] | None = None):
        self.id = id
        self.day = day
        self.actor = actor
        self.target = target
        self.verb = verb
        self.code = code  # the dataset's own event code (de-duplication key)
        self.args = args
        self.source = source  # ("dataset:outlet", title): one source per dataset and outlet
        self.outlet = outlet
        self.quote = quote
        self.file = file
        self.line = line
        self.root = root  # GDELT: IsRootEvent
        self.states = states  # both sides are state actors proper
        self.counts = counts  # GDELT: [mentions, sources, articles, rows merged], as text

    def merge(self, other: Record) -> None:
        """Fold a duplicate row into this event (de-duplication): its counts are added."""
        if self.counts is not None and other.counts is not None:
            self.counts = [str(int(a) + int(b)) for a, b in zip(self.counts, other.counts)]


def one_line(text: str) -> str:
    """Text with its line breaks made spaces (a quote or argument of an event statement is one
    line)."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


class FactSink:
    """The facts of the events kept so far, by relation; the actors and sources they name."""

    def __init__(self, known_actors: frozenset[str] = frozenset()) -> None:
        self.facts: dict[str, set[tuple]] = {name: set() for name in (
            "event", "event_status", "attribution", "evidence", "event_arg", "source", "actor")}
        self.known_actors = set(known_actors)
        self.actors: dict[str, Actor] = {}
        self.sources: dict[str, tuple] = {}  # source id -> its row
        self.source_ids: dict[tuple[str, str], str] = {}  # (dataset:outlet, title) -> source id
        # event id -> (the span of its row, "event"): where an explanation says it comes from
        self.spans: dict[str, tuple[Span, str]] = {}
        self._texts: dict[str, RowText] = {}  # file -> the text spans point into
        self.pending: list[tuple] = []  # event_arg rows not yet in facts (see `flush`)
        self._adders: tuple | None = None

    def add(self, record: Record) -> None:
        adders = self._adders
        if adders is None:
            adders = self._adders = self.adders()
        event, status, attribution, evidence, arg = adders
        id_ = record.id
        target = record.target
        event((id_, record.day, record.day, record.actor.id, record.verb,
               target.id if target is not None else ""))
        status((id_, "occurred"))
        attribution((id_, "outlet", record.outlet))
        source_id = self.source_ids.get(record.source)
        if source_id is None:
            source_id = self.source_id(record.source, record.outlet)
        evidence((id_, source_id, record.quote))
        for key, value in record.args:
            arg((id_, key, value))
        if record.counts is not None:
            mentions, sources, articles, rows = record.counts
            arg((id_, "mentions", mentions))
            arg((id_, "sources", sources))
            arg((id_, "articles", articles))
            if rows != "1":  # rows merged: only when de-duplicated
                arg((id_, "rows", rows))
        actors = self.actors
        if record.actor.id not in actors:
            self.new_actor(record.actor)
        if target is not None and target.id not in actors:
            self.new_actor(target)
        self.spans[id_] = (self.row_span(record.file, record.line), "event")

    def row_span(self, file: str, line: int) -> Span:
        """The span of a whole row (as `row_span` of source_rows, without the row's text)."""
        text = self._texts.get(file)
        if text is None:
            text = self._texts[file] = RowText(file, "")
        return new_span((text, line, 1, line, 1))

    def adders(self) -> tuple:
        """The `add` methods of the sets of an event's facts, in the order `add` fills them."""
        facts = self.facts
        return tuple(facts[name].add for name in ("event", "event_status", "attribution", "evidence", "event_arg"))

    def new_actor(self, actor: Actor) -> None:
        """Note an actor the events kept name (an `actor` fact unless the engine has it)."""
        self.actors[actor.id] = actor
        if actor.id not in self.known_actors:
            self.facts["actor"].add((actor.id, actor.name, actor.kind))

    def source_id(self, source: tuple[str, str], outlet: str) -> str:
        """The id of the source (dataset:outlet, title), a `source` fact the first time."""
        found = self.source_ids.get(source)
        if found is not None:
            return found
        key, title = source
        base = identifier(key)
        source_id, number = base, 1
        while source_id in self.sources:
            number += 1
            source_id = f"{base}_{number}"
        row = (source_id, title, outlet, BEGINNING, END_OF_TIME, "")
        self.sources[source_id] = row
        self.source_ids[source] = source_id
        self.facts["source"].add(row)
        return source_id

    def flush(self) -> None:
        """Add the `pending` event_arg rows to the facts (a fast reading gathers them in a list:
        one call a row instead of one a fact)."""
        self.facts["event_arg"].update(self.pending)
        self.pending.clear()

    def count(self) -> int:
        return sum(len(rows) for rows in self.facts.values())
