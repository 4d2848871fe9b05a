"""`reasoner check`: validate rule and event files without evaluating them, and optionally
check every quote against the article it cites."""

from __future__ import annotations

from pathlib import Path

from reasoner.analysis import analyse
from reasoner.engine import event_schemas, expand_paths
from reasoner.errors import Diagnostic, ReasonerError
from reasoner.loader import parse_with_includes, read_source
from reasoner.program import Program


def check_paths(paths: list[str], articles: Path | None = None, strict: bool = False) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) for these files, sorted by position."""
    diagnostics: list[Diagnostic] = []
    try:
        files = expand_paths(paths)
    except ReasonerError as exc:
        return list(exc.diagnostics)
    statements = []
    event_files = []
    for path in files:
        try:
            source = read_source(path)
            if path.suffix == ".events":
                from reasoner.events import parse_events

                event_files.append(parse_events(source))
            else:
                statements += parse_with_includes(source, path.parent)
        except ReasonerError as exc:
            diagnostics += exc.diagnostics
    external = {}
    if event_files:
        from reasoner.events import check_citations, lower

        try:
            diagnostics += lower(event_files).warnings
        except ReasonerError as exc:
            diagnostics += exc.diagnostics
        if articles is not None:
            diagnostics += check_citations(event_files, articles)
        external = event_schemas()
    if statements:
        try:
            diagnostics += analyse(Program().extend(statements), external, strict).warnings
        except ReasonerError as exc:
            diagnostics += exc.diagnostics
    return sorted(diagnostics, key=Diagnostic.sort_key)
