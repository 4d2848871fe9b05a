"""Text to event AST: the lark parser, its post-lexer, and lark errors turned into diagnostics.

`parse_events(source)` parses a whole `.events` text. Syntax errors are reported one per
statement (after the first error the text is re-read statement by statement so that every broken
statement is reported, not only the first); malformed dates and misplaced clauses are reported
with the syntax errors, all sorted by position, in one `ParseError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from reasoner.errors import Diagnostic, ParseError, error
from reasoner.events.assemble import assemble
from reasoner.events.ast import EventFile
from reasoner.events.build import RawStatement, TreeToClauses, token_start
from reasoner.gcpause import paused_gc
from reasoner.events.hints import describe_unexpected
from reasoner.events.keywords import STATEMENT_KEYWORDS
from reasoner.events.reader import NotFast, read_statements
from reasoner.resources import grammar_text
from reasoner.source import SourceText, Span

# A line that starts a statement: anything but blanks, comments and indented continuations.
_STATEMENT_START = re.compile(r"^(?![ \t]|#|//|\r?$)", re.MULTILINE)


class LineStarts:
    """Post-lexer: a `_BOL` token before every token in column 1 (a statement's first token).

    The contextual lexer reads a token in the parser state before the `_BOL` is fed, so the
    statement keywords must be lexable in every state (`always_accept`).
    """

    always_accept = tuple(keyword.upper() for keyword in STATEMENT_KEYWORDS)  # lark's names

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            if token.column == 1:
                yield Token.new_borrow_pos("_BOL", "", token)
            yield token


@lru_cache(maxsize=1)
def event_parser() -> Lark:
    """The compiled LALR parser for grammar/events.lark (built once per process)."""
    return Lark(
        grammar_text("events.lark"),
        parser="lalr",
        lexer="contextual",
        postlex=LineStarts(),
        propagate_positions=True,
        maybe_placeholders=True,
        cache=True,  # lark keeps the built tables in the temp directory, keyed by grammar hash
    )


def parse_events(source: SourceText) -> EventFile:
    """Parse one `.events` text into an `EventFile`; raises `ParseError` with every problem."""
    diagnostics: list[Diagnostic] = []
    statements = []
    with paused_gc():
        for raw in read_raw_statements(source, diagnostics):
            statement = assemble(raw, diagnostics)
            if statement is not None:
                statements.append(statement)
    if diagnostics:
        raise ParseError(diagnostics)
    return EventFile(source, tuple(statements))


def read_raw_statements(
    source: SourceText, diagnostics: list[Diagnostic], *, fast: bool = True
) -> list[RawStatement]:
    """Heads and clauses of every statement: the fast reader when it can, else lark."""
    if fast:
        try:
            return read_statements(source, diagnostics)
        except NotFast:
            diagnostics.clear()
    try:
        trees = [event_parser().parse(source.text)]
    except UnexpectedInput:
        trees = _parse_statement_by_statement(source, diagnostics)
    raws: list[RawStatement] = []
    for tree in trees:
        raws.extend(TreeToClauses(source, diagnostics).transform(tree))
    return raws


def _parse_statement_by_statement(source: SourceText, diagnostics: list[Diagnostic]) -> list[Tree]:
    """Parse each statement alone, reporting each one that fails; the others' trees are kept.

    A statement's text is padded with the newlines before it so that lark's positions are the
    positions in the whole file.
    """
    text = source.text
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    trees = []
    line = 1
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        padded = "\n" * (line - 1) + chunk
        try:
            trees.append(event_parser().parse(padded))
        except UnexpectedInput as problem:
            diagnostics.append(_diagnostic(source, problem))
        line += chunk.count("\n")
    return trees


def _diagnostic(source: SourceText, problem: UnexpectedInput) -> Diagnostic:
    if isinstance(problem, UnexpectedEOF):
        return _at_end(source, problem)
    if isinstance(problem, UnexpectedCharacters):
        span = Span.at(source, problem.line, problem.column)
        char = source.line(problem.line)[problem.column - 1:problem.column]
        message, hint = describe_unexpected("char", char, problem.allowed or set(), [])
        return error(message, span, hint)
    assert isinstance(problem, UnexpectedToken)
    token = problem.token
    if token.type == "_BOL":
        token = _next_token(source, token)
    width = max(1, len(str(token)))
    span = Span.at(source, token.line, token.column, width)
    stack = _value_stack(problem)
    if token.type == "$END":
        span = Span.at(source, token.end_line or token.line, token.end_column or token.column)
    message, hint = describe_unexpected(token.type, str(token), problem.expected, stack)
    return error(message, span, hint)


def _value_stack(problem: UnexpectedToken) -> list:
    """What the parser had read of the statement when it stopped (tokens and subtrees)."""
    interactive = getattr(problem, "interactive_parser", None)
    if interactive is None:
        return []
    return list(interactive.parser_state.value_stack)


def _next_token(source: SourceText, bol: Token) -> Token:
    """The token a `_BOL` stands in front of (it borrows its position)."""
    number, column = token_start(bol)
    word = re.match(r"\S+", source.line(number)[column - 1:])
    return Token("BOL", word.group(0) if word else "", line=number, column=column)


def _at_end(source: SourceText, problem: UnexpectedInput) -> Diagnostic:
    lines = source.text.rstrip().split("\n")  # lines as lark counts them: `\n` ends a line
    # Point just after the last non-blank character of the text.
    number = len(lines)
    while number > 1 and (not lines[number - 1].strip() or lines[number - 1].lstrip().startswith(("#", "//"))):
        number -= 1
    last = lines[number - 1].rstrip()
    expected: set[str] = getattr(problem, "expected", set()) or set()
    message, hint = describe_unexpected("$END", "", expected, [])
    return error(message, Span.at(source, number, len(last) + 1), hint)
