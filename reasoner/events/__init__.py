"""The event statement language: parse `.events` text, check it, and lower it to facts.

Public API::

    parse_events(source: SourceText) -> EventFile
    lower(files: list[EventFile], known: KnownIds | None = None) -> EventFacts
    load_vocabulary() -> Vocabulary
    check_citations(files: list[EventFile], articles_dir: Path) -> list[Diagnostic]

The fact schema that lowering produces is documented in `reasoner.events.schema`.
"""

from __future__ import annotations

from reasoner.events.ast import EventFile
from reasoner.events.citations import check_citations
from reasoner.events.lowering import EventFacts, KnownIds, lower
from reasoner.events.parser import parse_events
from reasoner.events.render import render_facts
from reasoner.events.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "EventFacts",
    "EventFile",
    "KnownIds",
    "Vocabulary",
    "check_citations",
    "load_vocabulary",
    "lower",
    "parse_events",
    "render_facts",
]
