"""Parse tree to statement heads and clauses (the step between lark's tree and the AST).

`TreeToClauses` turns each statement into (kind, span, heads, clauses): the fixed leading parts
(`heads`: id, date, actor...) and the list of clauses as written. Dates are read here, so a
malformed date is reported at its token. `reasoner.events.assemble` then checks which clauses
fit which statement and builds the AST nodes.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from lark import Token, Transformer, v_args

from reasoner.errors import Diagnostic, error
from reasoner.events.ast import (
    Affiliation, Arg, Citation, DateSpec, Name, Pattern, RelativeDate, Value, Voice,
)
from reasoner.events.dates import DateError, parse_date, parse_relative
from reasoner.source import SourceText, Span

_ESCAPE = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


class Clause(NamedTuple):
    """One clause as written: its keyword ('cite', 'status', '=' for arguments...) and payload.
    (A named tuple, like `RawStatement`: the fast reader makes several per statement.)"""

    keyword: str
    payload: Any
    span: Span


class RawStatement(NamedTuple):
    kind: str
    span: Span
    heads: tuple[Any, ...]
    clauses: tuple[Clause, ...]


_new = tuple.__new__


def read_date(
    source: SourceText, text: str, line: int, column: int, diagnostics: list[Diagnostic]
) -> DateSpec | None:
    """The `DateSpec` of a DATE token, or None with a diagnostic at the offending part."""
    try:
        interval = parse_date(text)
    except DateError as problem:
        at = Span.at(source, line, column + problem.offset, problem.width or len(text))
        diagnostics.append(error(problem.message, at, problem.hint))
        return None
    span = _new(Span, (source, line, column, line, column + len(text) - 1))
    return DateSpec(text, interval.first, interval.last, interval.precision, span)


def read_due(
    source: SourceText, kind: str, text: str, line: int, column: int, diagnostics: list[Diagnostic]
) -> DateSpec | RelativeDate | None:
    """The due date of a deadline: a DATE token or a RELATIVE one (`+50d`)."""
    if kind != "RELATIVE":
        return read_date(source, text, line, column, diagnostics)
    span = Span(source, line, column, line, column + len(text) - 1)
    try:
        return RelativeDate(text, parse_relative(text), span)
    except DateError as problem:
        diagnostics.append(error(problem.message, span, problem.hint))
        return None


def unquote(text: str) -> str:
    """The content of a double-quoted string token, escapes resolved (an unknown escape is kept
    as written)."""
    body = text[1:-1]
    if "\\" not in body:
        return body
    return _UNESCAPE(_unescape_one, body)


def _unescape_one(found: re.Match) -> str:
    char = found.group(1)
    return _ESCAPE.get(char, "\\" + char)


_UNESCAPE = re.compile(r"\\(.?)", re.DOTALL).sub


def token_start(token: Token) -> tuple[int, int]:
    """The line and column of a token the lexer made (lark types them optional: a token made
    by hand may have none)."""
    assert token.line is not None and token.column is not None
    return token.line, token.column


@v_args(meta=True)
class TreeToClauses(Transformer):
    """Lark transformer for one source; collects date diagnostics into `diagnostics`."""

    def __init__(self, source: SourceText, diagnostics: list[Diagnostic]):
        super().__init__()
        self.source = source
        self.diagnostics = diagnostics

    # ---- helpers -------------------------------------------------------------------------
    def span(self, meta: Any) -> Span:
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column - 1)

    def token_span(self, token: Token) -> Span:
        line, column = token_start(token)
        assert token.end_line is not None and token.end_column is not None
        return Span(self.source, line, column, token.end_line, token.end_column - 1)

    def name(self, token: Token) -> Name:
        text = unquote(token.value) if token.type == "STRING" else token.value
        return Name(text, self.token_span(token))

    def date(self, token: Token) -> DateSpec | None:
        return read_date(self.source, token.value, *token_start(token), self.diagnostics)

    # ---- statements ----------------------------------------------------------------------
    def start(self, meta: Any, children: list[RawStatement]) -> list[RawStatement]:
        return children

    def _statement(self, kind: str, meta: Any, heads: list[Any], clauses: list[Clause]) -> RawStatement:
        return RawStatement(kind, self.span(meta), tuple(heads), tuple(clauses))

    def source_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        return self._statement("source", meta, [self.name(c[0]), self.name(c[1])], c[2:])

    def actor_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        return self._statement("actor", meta, [self.name(c[0]), self.name(c[1])], c[2:])

    def person_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        return self._statement("person", meta, [self.name(c[0]), self.name(c[1])], c[2:])

    def event_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        heads = [self.name(c[0]), self.date(c[1]), c[2], c[3], c[4]]
        return self._statement("event", meta, heads, c[5:])

    def precondition_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        return self._statement("precondition", meta, [self.name(c[0]), self.date(c[1]), c[2]], c[3:])

    def deadline_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        heads = [self.name(c[0]), self.date(c[1]), c[2], c[3]]
        return self._statement("deadline", meta, heads, c[4:])

    def evidence_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        return self._statement("evidence", meta, [self.name(c[0])], c[1:])

    def threat_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        heads = [self.name(c[0]), self.date(c[1]), c[2], c[3]]
        return self._statement("threat", meta, heads, c[4:])

    def offer_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        heads = [self.name(c[0]), self.date(c[1]), c[2], c[3]]
        return self._statement("offer", meta, heads, c[4:])

    def revision_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        heads = [self.name(c[0]), self.date(c[1]), c[2], self.name(c[3])]
        return self._statement("revision", meta, heads, c[4:])

    def withdrawal_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        how = self.name(c[4]) if c[4] is not None else None
        heads = [self.name(c[0]), self.date(c[1]), c[2], self.name(c[3]), how]
        return self._statement("withdrawal", meta, heads, c[5:])

    def alignment_stmt(self, meta: Any, c: list[Any]) -> RawStatement:
        a, kind, b, since, until = c
        heads = [a, self.name(kind), b, self.date(since) if since is not None else None,
                 self.date(until) if until is not None else None]
        return self._statement("alignment", meta, heads, [])

    # ---- small parts ---------------------------------------------------------------------
    def actor(self, meta: Any, c: list[Token]) -> Name:
        return self.name(c[0])

    def verb(self, meta: Any, c: list[Token]) -> Name:
        return self.name(c[0])

    def pattern(self, meta: Any, c: list[Any]) -> Pattern:
        return Pattern(c[0], c[1], c[2], self.span(meta))

    def negated_pattern(self, meta: Any, c: list[Any]) -> Pattern:
        return Pattern(c[0], c[1], c[2], self.span(meta), True)

    # ---- clauses -------------------------------------------------------------------------
    def _clause(self, keyword: str, meta: Any, payload: Any) -> Clause:
        return Clause(keyword, payload, self.span(meta))

    def outlet_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("outlet", meta, self.name(c[0]))

    def published_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("published", meta, self.date(c[0]))

    def file_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("file", meta, self.name(c[0]))

    def author_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("author", meta, self.name(c[0]))

    def url_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("url", meta, self.name(c[0]))

    def aka_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("aka", meta, tuple(self.name(t) for t in c))

    def kind_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("is", meta, self.name(c[0]))

    def affiliation_clause(self, meta: Any, c: list[Any]) -> Clause:
        actor, role, since, until = c
        affiliation = Affiliation(
            actor,
            self.name(role) if role is not None else None,
            self.date(since) if since is not None else None,
            self.date(until) if until is not None else None,
            self.span(meta),
        )
        return self._clause("of", meta, affiliation)

    def status_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("status", meta, self.name(c[0]))

    def by_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("by", meta, tuple(self.name(t) for t in c))

    def cite_clause(self, meta: Any, c: list[Token | None]) -> Clause:
        source, quote = c
        assert source is not None  # the grammar requires it
        citation = Citation(self.name(source), self.name(quote) if quote else None, self.span(meta))
        return self._clause("cite", meta, citation)

    def responds_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("responds_to", meta, tuple(self.name(t) for t in c))

    def arg_clause(self, meta: Any, c: list[Token]) -> Clause:
        key, *values = c
        return self._clause("=", meta, Arg(self.name(key), tuple(self.value(v) for v in values), self.span(meta)))

    def value(self, token: Token) -> Value:
        span = self.token_span(token)
        if token.type == "STRING":
            return Value(unquote(token.value), span)
        if token.type == "NUMBER":
            try:
                return Value(float(token.value) if "." in token.value else int(token.value), span)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                self.diagnostics.append(error(f"number with too many digits ({len(token.value)})", span))
                return Value(0, span)
        return Value(token.value, span)

    def goal_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause("goal", meta, c[0])

    def _requirement(self, kind: str, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause(kind, meta, c[0])

    def requires_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._requirement("requires", meta, c)

    def only_if_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._requirement("only_if", meta, c)

    def unless_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._requirement("unless", meta, c)

    def after_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._requirement("after", meta, c)

    def demand_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause("demands", meta, c[0])

    def threat_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause("threat", meta, c[0])

    def if_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause("if", meta, c[0])

    def then_clause(self, meta: Any, c: list[Pattern]) -> Clause:
        return self._clause("then", meta, c[0])

    def per_outlet_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("per", meta, Voice(None, self.span(meta)))

    def per_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("per", meta, Voice(self.name(c[0]), self.span(meta)))

    def mode_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("mode", meta, self.name(c[0]))

    def mode_arg_clause(self, meta: Any, c: list[Token]) -> Clause:
        """`mode=value, ...`: an argument named mode (the keyword followed by `=`)."""
        key = Name("mode", Span(self.source, meta.line, meta.column, meta.line, meta.column + 3))
        return self._clause("=", meta, Arg(key, tuple(self.value(v) for v in c), self.span(meta)))

    def same_as_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("same_as", meta, self.name(c[0]))

    def because_clause(self, meta: Any, c: list[Token]) -> Clause:
        return self._clause("because_of", meta, tuple(self.name(t) for t in c))

    def due_clause(self, meta: Any, c: list[Token]) -> Clause:
        token = c[0]
        due = read_due(self.source, token.type, token.value, *token_start(token), self.diagnostics)
        return self._clause("due", meta, due)
