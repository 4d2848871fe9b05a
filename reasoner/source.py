"""Source text and positions: every AST node and every diagnostic points into a `SourceText`."""

from __future__ import annotations

from typing import NamedTuple

import attrs


@attrs.frozen
class SourceText:
    """The text of one input (a file, a REPL entry, a string given to the API) and its name."""

    name: str
    text: str = attrs.field(repr=False)

    def line(self, number: int) -> str:
        """The 1-based line `number`, without its line ending ('' past the end).

        Lines end at `\n` only (a `\r` before it is dropped), as the parsers count them: a
        form feed, a lone `\r` or U+2028 is a character of its line, not a line break."""
        if number < 1:
            return ""
        start = 0
        for _ in range(number - 1):
            start = self.text.find("\n", start) + 1
            if start == 0:
                return ""
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end].removesuffix("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        return line, offset - start + 1


class Span(NamedTuple):
    """A region of a source: 1-based line and column of its first and last character.

    A named tuple rather than an attrs class: parsers make one per token, and a tuple is
    several times cheaper to build."""

    source: SourceText
    line: int
    column: int
    end_line: int
    end_column: int

    def __repr__(self) -> str:
        return f"Span({self.source.name}:{self.line}:{self.column}-{self.end_line}:{self.end_column})"

    @property
    def file(self) -> str:
        """The file as messages name it: a shipped file from the data root
        (`rules/deadlines.dl`, wherever the package is installed), any other as it was given."""
        from reasoner.resources import display_path

        return display_path(self.source.name)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def at(cls, source: SourceText, line: int, column: int, width: int = 1) -> Span:
        return cls(source, line, column, line, column + max(width, 1) - 1)

    @classmethod
    def of_offsets(cls, source: SourceText, start: int, end: int) -> Span:
        line, column = source.position(start)
        end_line, end_column = source.position(max(start, end - 1))
        return cls(source, line, column, end_line, end_column)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both (same source)."""
        first = min((self.line, self.column), (other.line, other.column))
        last = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.source, first[0], first[1], last[0], last[1])
