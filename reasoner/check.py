"""`reasoner check`: validate rule and event files without evaluating them, and optionally
check every quote against the article it cites.

The files go through the engine's load pipeline (`reasoner.load`) up to the analysis, with
every stage's problems collected instead of stopping at the first stage that fails."""

from __future__ import annotations

from pathlib import Path

from reasoner.errors import Diagnostic, ReasonerError
from reasoner.load import analysis_of, parse_sources, read_paths
from reasoner.state import EngineState


def check_paths(paths: list[str], articles: Path | None = None, strict: bool = False) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) for these files, sorted by position."""
    diagnostics: list[Diagnostic] = []
    sources = read_paths(paths, problems=diagnostics)
    parsed = parse_sources(EngineState(), sources, problems=diagnostics)
    diagnostics += parsed.warnings
    if parsed.event_files and articles is not None:
        from reasoner.events import check_citations

        diagnostics += check_citations(list(parsed.event_files), articles)
    if parsed.statements:
        try:
            diagnostics += analysis_of(EngineState(), parsed.state, strict).warnings
        except ReasonerError as exc:
            diagnostics += exc.diagnostics
    return sorted(diagnostics, key=Diagnostic.sort_key)
