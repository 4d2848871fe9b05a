"""Positions of data rows: a diagnostic or an explanation names `file:line` of the row without
the engine holding the file's text."""

from __future__ import annotations

import attrs

from reasoner.source import SourceText, Span


@attrs.frozen
class RowText(SourceText):
    """One line of a data file: `line(number)` is the row's text, every other line empty."""

    number: int = 0

    def line(self, number: int) -> str:
        return self.text if number == self.number else ""


def row_span(path: str, number: int, text: str = "", column: int = 1, width: int = 1) -> Span:
    """The span of row `number` of the file at `path` (with its text, for a diagnostic)."""
    return Span.at(RowText(path, text, number), number, column, width)
