"""A fast reader for well-formed event text, equivalent to grammar/events.lark.

lark's LALR parser costs some microseconds per token, too slow for corpora of tens of thousands
of statements. This module reads the same language with one regular expression and a small
recursive-descent reader, producing exactly the `RawStatement`s that the lark path produces
(tests check that the two agree on every golden input and on the corpus).

It handles only text that is plainly well formed: at the first thing it is unsure about it raises
`NotFast`, and `parse_events` parses the text with lark instead, which then either succeeds or
reports the syntax errors. The grammar file stays the definition of the language.
"""

from __future__ import annotations

import re
from typing import Any

from reasoner.errors import Diagnostic
from reasoner.events.ast import Affiliation, Arg, Citation, Name, Pattern, Value
from reasoner.events.build import Clause, RawStatement, read_date, read_due, unquote
from reasoner.source import SourceText, Span

_TOKEN = re.compile(
    r"""
      (?P<comment>(?:\#|//).*)
    | (?P<STRING>"(?:[^"\\\n]|\\.)*")
    | (?P<NAME>[^\W\d]\w*)
    | (?P<DIGITS>~?[0-9][0-9.\-~]*)
    | (?P<RELATIVE>\+[0-9]+[dw])
    | (?P<NEGATIVE>-[0-9]+(?:\.[0-9]+)?)
    | (?P<PUNCT>[,=])
    | (?P<bad>\S)
    """,
    re.VERBOSE,
)
_DATE = re.compile(r"~?[0-9][0-9-]*(\.\.~?[0-9][0-9-]*)?")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

STATEMENTS = frozenset({"source", "actor", "person", "event", "precondition", "deadline", "evidence"})
KEYWORDS = STATEMENTS | frozenset({
    "to", "outlet", "published", "file", "author", "url", "aka", "is", "of", "as", "from", "until",
    "status", "by", "cite", "responds_to", "goal", "requires", "only_if", "unless", "after",
    "demands", "due", "threat",
})
_TEXT_CLAUSES = {"outlet": "outlet", "author": "author"}
_STRING_CLAUSES = {"file": "file", "url": "url"}
_REQUIREMENTS = ("requires", "only_if", "unless", "after")


class NotFast(Exception):
    """The fast reader is not sure about the text; parse it with lark."""


# A token: (kind, text, line, column); kind is STRING, NAME, DIGITS, RELATIVE, NEGATIVE or , =
Token = tuple[str, str, int, int]


def tokenize(text: str) -> list[list[Token]]:
    """The tokens of `text`, grouped by statement (a token in column 1 starts a statement)."""
    statements: list[list[Token]] = []
    current: list[Token] | None = None
    finditer = _TOKEN.finditer
    for line, content in enumerate(text.split("\n"), start=1):
        for found in finditer(content):
            kind = found.lastgroup
            if kind == "comment":
                break
            if kind == "bad":
                raise NotFast
            value = found.group()
            column = found.start() + 1
            token = (value if kind == "PUNCT" else kind, value, line, column)
            if column == 1:
                current = [token]
                statements.append(current)
            elif current is None:
                raise NotFast
            else:
                current.append(token)
    return statements


def read_statements(source: SourceText, diagnostics: list[Diagnostic]) -> list[RawStatement]:
    """The statements of `source`, as the lark path would build them; raises `NotFast`."""
    return [_Reader(source, tokens, diagnostics).statement() for tokens in tokenize(source.text)]


class _Reader:
    def __init__(self, source: SourceText, tokens: list[Token], diagnostics: list[Diagnostic]):
        self.source = source
        self.tokens = tokens
        self.at = 0
        self.diagnostics = diagnostics

    # ---- tokens --------------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str) -> Token:
        token = self.peek()
        if token is None or token[0] != kind:
            raise NotFast
        self.at += 1
        return token

    def take_name(self) -> Token:
        token = self.take("NAME")
        if token[1] in KEYWORDS:
            raise NotFast
        return token

    def take_keyword(self, keyword: str) -> Token:
        token = self.take("NAME")
        if token[1] != keyword:
            raise NotFast
        return token

    def at_keyword(self, keyword: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "NAME" and token[1] == keyword

    def at_comma(self) -> bool:
        token = self.peek()
        return token is not None and token[0] == ","

    def span(self, first: Token, last: Token) -> Span:
        return Span(self.source, first[2], first[3], last[2], last[3] + len(last[1]) - 1)

    def last(self) -> Token:
        return self.tokens[self.at - 1]

    def name(self, token: Token) -> Name:
        text = unquote(token[1]) if token[0] == "STRING" else token[1]
        return Name(text, self.span(token, token))

    def name_or_string(self) -> Name:
        token = self.peek()
        if token is not None and token[0] == "STRING":
            self.at += 1
            return self.name(token)
        return self.name(self.take_name())

    def date(self) -> Any:
        token = self.take("DIGITS")
        if not _DATE.fullmatch(token[1]):
            raise NotFast
        return read_date(self.source, token[1], token[2], token[3], self.diagnostics)

    # ---- statements ----------------------------------------------------------------------
    def statement(self) -> RawStatement:
        keyword = self.take("NAME")
        kind = keyword[1]
        if kind not in STATEMENTS:
            raise NotFast
        heads: list[Any]
        if kind in ("source", "actor", "person"):
            heads = [self.name(self.take_name()), self.name(self.take("STRING"))]
        elif kind == "event":
            heads = [self.name(self.take_name()), self.date(), self.name_or_string(),
                     self.name(self.take_name()), self.optional_actor()]
        elif kind == "precondition":
            heads = [self.name(self.take_name()), self.date(), self.name_or_string()]
        elif kind == "deadline":
            heads = [self.name(self.take_name()), self.date(), self.name_or_string()]
            self.take_keyword("to")
            heads.append(self.name_or_string())
        else:
            heads = [self.name(self.take_name())]
        clauses = []
        while self.at < len(self.tokens):
            clauses.append(self.clause())
        return RawStatement(kind, self.span(keyword, self.last()), tuple(heads), tuple(clauses))

    def optional_actor(self) -> Name | None:
        """A target: a name that is neither a keyword nor an argument's key, or a string."""
        token = self.peek()
        if token is None:
            return None
        if token[0] == "STRING":
            self.at += 1
            return self.name(token)
        if token[0] != "NAME" or token[1] in KEYWORDS:
            return None
        following = self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
        if following is not None and following[0] == "=":
            return None
        self.at += 1
        return self.name(token)

    def pattern(self) -> Pattern:
        first = self.peek()
        actor = self.name_or_string()
        verb = self.name(self.take_name())
        target = self.optional_actor()
        return Pattern(actor, verb, target, self.span(first, self.last()))  # type: ignore[arg-type]

    def names(self) -> tuple[Name, ...]:
        names = [self.name(self.take_name())]
        while self.at_comma():
            self.at += 1
            names.append(self.name(self.take_name()))
        return tuple(names)

    # ---- clauses -------------------------------------------------------------------------
    def clause(self) -> Clause:
        first = self.take("NAME")
        word = first[1]
        payload: Any
        if word not in KEYWORDS:
            self.take("=")
            values = [self.value()]
            while self.at_comma():
                self.at += 1
                values.append(self.value())
            span = self.span(first, self.last())
            return Clause("=", Arg(self.name(first), tuple(values), span), span)
        if word in _TEXT_CLAUSES:
            payload = self.name_or_string()
        elif word in _STRING_CLAUSES:
            payload = self.name(self.take("STRING"))
        elif word == "published":
            payload = self.date()
        elif word == "aka":
            items = [self.name_or_string()]
            while self.at_comma():
                self.at += 1
                items.append(self.name_or_string())
            payload = tuple(items)
        elif word in ("is", "status"):
            payload = self.name(self.take_name())
        elif word == "of":
            payload = self.affiliation(first)
        elif word in ("by", "responds_to"):
            payload = self.names()
        elif word == "cite":
            source = self.name(self.take_name())
            token = self.peek()
            quote = None
            if token is not None and token[0] == "STRING":
                self.at += 1
                quote = self.name(token)
            payload = Citation(source, quote, self.span(first, self.last()))
        elif word in ("goal", "demands", "threat") or word in _REQUIREMENTS:
            payload = self.pattern()
        elif word == "due":
            token = self.peek()
            if token is None or token[0] not in ("DIGITS", "RELATIVE"):
                raise NotFast
            if token[0] == "DIGITS" and not _DATE.fullmatch(token[1]):
                raise NotFast
            self.at += 1
            payload = read_due(self.source, token[0], token[1], token[2], token[3], self.diagnostics)
        else:
            raise NotFast
        return Clause(word, payload, self.span(first, self.last()))

    def affiliation(self, first: Token) -> Affiliation:
        actor = self.name_or_string()
        role = since = until = None
        if self.at_keyword("as"):
            self.at += 1
            role = self.name_or_string()
        if self.at_keyword("from"):
            self.at += 1
            since = self.date()
        if self.at_keyword("until"):
            self.at += 1
            until = self.date()
        return Affiliation(actor, role, since, until, self.span(first, self.last()))

    def value(self) -> Value:
        token = self.peek()
        if token is None:
            raise NotFast
        kind, text = token[0], token[1]
        self.at += 1
        span = self.span(token, token)
        if kind == "STRING":
            return Value(unquote(text), span)
        if kind == "NAME":
            if text in KEYWORDS:
                raise NotFast
            return Value(text, span)
        if kind in ("DIGITS", "NEGATIVE") and _NUMBER.fullmatch(text):
            return Value(float(text) if "." in text else int(text), span)
        raise NotFast
