"""The one exception family of reasoner, and the diagnostics it carries.

Every problem the engine reports is a `Diagnostic`: a severity, a message, a position
(file, line, column), the source line with a caret under the offending text, and an optional
hint. Errors are raised as a subclass of `ReasonerError` naming the stage that found them:

- `ParseError`: the text does not follow the grammar;
- `CheckError`: the program parses but is wrong (unbound variable, arity, types, strata...);
- `LoadError`: a file cannot be read or a fact file does not fit its relation;
- `EvaluationError`: evaluation failed; its subclass `LimitError`: a runaway program
  reached the limit on derived tuples or the time budget;
- `QueryError`: a query or a lookup names something that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from reasoner.source import Span


@attrs.frozen
class Diagnostic:
    severity: str  # "error" or "warning"
    message: str
    span: Span | None = None
    hint: str | None = None

    @property
    def file(self) -> str | None:
        return self.span.file if self.span else None

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    def sort_key(self) -> tuple:
        if self.span is None:
            return ("", 0, 0)
        return (self.span.file, self.span.line, self.span.column)

    def render(self, hints: Mapping[str, str] | None = None) -> str:
        """The diagnostic as people read it: position, message, source line, caret, hint.
        `hints` replaces a hint written for the API by the words of a shell (`LIST_RELATIONS`
        is `:relations` in the REPL, `reasoner relations` on the command line)."""
        if self.span is None:
            text = f"{self.severity}: {self.message}"
        else:
            text = f"{self.span}: {self.severity}: {self.message}"
            source_line = self.span.source.line(self.span.line)
            if source_line:
                # One column per character: a tab is one blank, and a control character
                # (a lone `\r`, a form feed...) is shown as U+FFFD so the caret stays aligned.
                shown = "".join(c if c.isprintable() else " " if c == "\t" else "\ufffd"
                                for c in source_line)
                if len(shown) > 200:
                    start = max(0, self.span.column - 80)
                    shown = shown[start:start + 160]
                    caret_at = self.span.column - start
                else:
                    caret_at = self.span.column
                width = 1
                if self.span.end_line == self.span.line:
                    width = max(1, self.span.end_column - self.span.column + 1)
                width = min(width, max(1, len(shown) - caret_at + 1))
                gutter = f"{self.span.line:>4} | "
                text += f"\n{gutter}{shown}\n{' ' * (len(gutter) - 2)}| {' ' * (caret_at - 1)}^{'~' * (width - 1)}"
        hint = hints.get(self.hint, self.hint) if hints and self.hint else self.hint
        if hint:
            text += f"\n  hint: {hint}"
        return text

    def __str__(self) -> str:
        return self.render()


# A hint that each shell words its own way (see `Diagnostic.render`).
LIST_RELATIONS = "`Engine.relations()` lists them"
REPL_HINTS = {LIST_RELATIONS: "`:relations` lists them"}
CLI_HINTS = {LIST_RELATIONS: "`reasoner relations` lists them"}


def error(message: str, span: Span | None = None, hint: str | None = None) -> Diagnostic:
    return Diagnostic("error", message, span, hint)


def warning(message: str, span: Span | None = None, hint: str | None = None) -> Diagnostic:
    return Diagnostic("warning", message, span, hint)


class ReasonerError(Exception):
    """Root of every error reasoner raises. `diagnostics` holds one or more, sorted by position."""

    def __init__(self, diagnostics: Diagnostic | Iterable[Diagnostic]):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: Sequence[Diagnostic] = tuple(
            sorted(diagnostics, key=Diagnostic.sort_key)
        )
        super().__init__(self.render())

    def render(self, hints: Mapping[str, str] | None = None) -> str:
        return "\n".join(d.render(hints) for d in self.diagnostics)

    def __str__(self) -> str:
        return self.render()


class ParseError(ReasonerError):
    """The input does not follow the grammar."""


class CheckError(ReasonerError):
    """The program parses but cannot be evaluated as written."""


class LoadError(ReasonerError):
    """A file cannot be read, or its content does not fit the relation it feeds."""


class EvaluationError(ReasonerError):
    """Evaluation stopped (a limit was reached, or an operation failed on the data)."""


class LimitError(EvaluationError):
    """Evaluation reached the limit on derived tuples or the time budget."""


class QueryError(ReasonerError):
    """A query or lookup names a relation or fact that cannot be answered."""
