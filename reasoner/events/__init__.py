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
from reasoner.events.parser import parse_events

__all__ = ["EventFile", "parse_events"]
