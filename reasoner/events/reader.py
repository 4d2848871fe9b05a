"""A fast reader for well-formed event text, equivalent to grammar/events.lark.

lark's LALR parser costs some microseconds per token, too slow for corpora of tens of thousands
of statements. This module reads the same language with one regular expression and a small
table-driven reader, producing exactly the `RawStatement`s that the lark path produces (tests
check that the two agree on every golden input, on the corpus and on generated text).

It handles only text that is plainly well formed: at the first thing it is unsure about it raises
`NotFast`, and `parse_events` parses the text with lark instead, which then either succeeds or
reports the syntax errors (with their positions and carets). The grammar file stays the
definition of the language; the reserved words come from the keyword table
(`reasoner.events.keywords`), and its heads and clauses are read by one function per statement
and per clause keyword of that table (tests/events/test_keywords.py checks that none is missing).

How it is fast: the text is tokenized once into compact tuples, grouped by statement; a name or
string token carries its ready-made `Name` (and `Span`), built with `tuple.__new__` rather than
through the named tuples' Python-level constructors; keywords are told apart from names while
tokenizing; statement heads and clauses are read by plain functions dispatched through dicts, on
local variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from reasoner.errors import Diagnostic
from reasoner.events.ast import Affiliation, Arg, Citation, Name, Pattern, Value, Voice
from reasoner.events.build import Clause, RawStatement, read_date, read_due, unquote
from reasoner.events.keywords import KEYWORDS
from reasoner.source import SourceText, Span

# One alternative per token kind (they are told apart by their first character, so their order
# only matters for speed: the frequent ones first). A match includes the blanks before its token,
# so that `findall` gives everything needed to compute the columns. Only the blanks that lark ignores
# (space, tab, form feed, carriage return) are skipped: any other character that fits no token
# is `bad`, and lark reports it.
_TOKEN = re.compile(
    r"""
    ([ \t\f\r]*)                   # the blanks before
    (?:
      ([^\W\d]\w*)                  # NAME (or keyword)
    | (~?[0-9][0-9.\-~]*)           # DIGITS: a date or a number
    | ("(?:[^"\\\n]|\\.)*")         # STRING
    | ([,=])                        # punctuation
    | ((?:\#|//).*)                 # comment
    | (\+[0-9]+[dw])                # RELATIVE
    | (-[0-9]+(?:\.[0-9]+)?)        # NEGATIVE number
    | ([^ \t\f\r])                  # bad
    )
    """,
    re.VERBOSE,
)
_DATE = re.compile(r"~?[0-9][0-9-]*(\.\.~?[0-9][0-9-]*)?").fullmatch
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?").fullmatch

class NotFast(Exception):
    """The fast reader is not sure about the text; parse it with lark."""


# A token: (kind, text, line, first column, last column, name). kind is "KW" (a reserved word),
# "NAME" (any other identifier), "STRING", "DIGITS", "RELATIVE", "NEGATIVE", "," or "="; name is
# the token's `Name` (quotes removed, escapes resolved) for NAME and STRING, else None.
Token = tuple[str, str, int, int, int, Any]

_new = tuple.__new__


def tokenize(source: SourceText) -> Iterator[list[Token]]:
    """The tokens of `source`, statement by statement (a token in column 1 starts a statement).

    A generator, so that the tokens of a statement are garbage as soon as it has been read."""
    current: list[Token] | None = None
    append = None
    findall = _TOKEN.findall
    keywords = KEYWORDS
    new = _new
    span_type, name_type = Span, Name
    line = 0
    for content in source.text.split("\n"):
        line += 1
        if not content:
            continue
        end = 0
        for blanks, name, digits, string, punct, comment, relative, negative, _bad in findall(content):
            start = end + len(blanks)
            column = start + 1
            token: Token
            if name:
                end = start + len(name)
                if name in keywords:
                    token = ("KW", name, line, column, end, None)
                else:
                    span = new(span_type, (source, line, column, line, end))
                    token = ("NAME", name, line, column, end, new(name_type, (name, span)))
            elif digits:
                end = start + len(digits)
                token = ("DIGITS", digits, line, column, end, None)
            elif string:
                end = start + len(string)
                span = new(span_type, (source, line, column, line, end))
                token = ("STRING", string, line, column, end, new(name_type, (unquote(string), span)))
            elif punct:
                end = column
                token = (punct, punct, line, column, end, None)
            elif comment:
                break
            elif relative:
                end = start + len(relative)
                token = ("RELATIVE", relative, line, column, end, None)
            elif negative:
                end = start + len(negative)
                token = ("NEGATIVE", negative, line, column, end, None)
            else:
                raise NotFast
            if start == 0:
                if current is not None:
                    yield current
                current = [token]
                append = current.append
            elif append is None:
                raise NotFast
            else:
                append(token)
    if current is not None:
        yield current


def read_statements(source: SourceText, diagnostics: list[Diagnostic]) -> list[RawStatement]:
    """The statements of `source`, as the lark path would build them; raises `NotFast`.

    Reading past the end of a statement (an IndexError) means the statement is incomplete: lark
    reports that.
    """
    try:
        return [_statement(source, diagnostics, tokens) for tokens in tokenize(source)]
    except IndexError:
        raise NotFast from None


# ---- statements ------------------------------------------------------------------------------
def _statement(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> RawStatement:
    keyword = toks[0]
    if keyword[0] != "KW":
        raise NotFast
    kind = keyword[1]
    head = _HEADS.get(kind)
    if head is None:
        raise NotFast
    heads, at = head(src, diagnostics, toks)
    count = len(toks)
    clauses: list[Clause] = []
    if at < count:
        append = clauses.append
        clause_readers = _CLAUSES
        while at < count:
            first = toks[at]
            if first[0] == "KW":
                reader = clause_readers.get(first[1])
                if reader is None:
                    raise NotFast
                at = reader(src, diagnostics, toks, at + 1, first, append)
            elif first[0] == "NAME":
                at = _arg_clause(src, toks, at + 1, first, append)
            else:
                raise NotFast
    last = toks[-1]
    span = _new(Span, (src, keyword[2], keyword[3], last[2], last[4]))
    return _new(RawStatement, (kind, span, heads, tuple(clauses)))


def _date(src: SourceText, diagnostics: list[Diagnostic], token: Token) -> Any:
    if token[0] != "DIGITS" or not _DATE(token[1]):
        raise NotFast
    return read_date(src, token[1], token[2], token[3], diagnostics)


def _name(token: Token) -> Name:
    """A NAME token's `Name` (not a keyword)."""
    if token[0] != "NAME":
        raise NotFast
    return token[5]


def _text(token: Token) -> Name:
    """A NAME or STRING token's `Name`."""
    name = token[5]
    if name is None:
        raise NotFast
    return name


def _target(toks: list[Token], at: int) -> tuple[Name | None, int]:
    """An optional actor: a string, or a name that is not an argument's key (not before `=`)."""
    if at >= len(toks):
        return None, at
    token = toks[at]
    kind = token[0]
    if kind == "STRING":
        return token[5], at + 1
    if kind != "NAME" or (at + 1 < len(toks) and toks[at + 1][0] == "="):
        return None, at
    return token[5], at + 1


def _two_names(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    second = toks[2]
    if second[0] != "STRING":
        raise NotFast
    return (_name(toks[1]), second[5]), 3


def _event_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    id_ = _name(toks[1])
    date = _date(src, diagnostics, toks[2])
    actor = _text(toks[3])
    verb = _name(toks[4])
    target, at = _target(toks, 5)
    return (id_, date, actor, verb, target), at


def _precondition_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    return (_name(toks[1]), _date(src, diagnostics, toks[2]), _text(toks[3])), 4


def _deadline_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    id_ = _name(toks[1])
    date = _date(src, diagnostics, toks[2])
    issuer = _text(toks[3])
    to = toks[4]
    if to[0] != "KW" or to[1] != "to":
        raise NotFast
    return (id_, date, issuer, _text(toks[5])), 6


def _evidence_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    return (_name(toks[1]),), 2


def _expect_keyword(token: Token, keyword: str) -> None:
    if token[0] != "KW" or token[1] != keyword:
        raise NotFast


def _of_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    """`revision ID DATE ACTOR of DEADLINE`."""
    id_ = _name(toks[1])
    date = _date(src, diagnostics, toks[2])
    actor = _text(toks[3])
    _expect_keyword(toks[4], "of")
    return (id_, date, actor, _name(toks[5])), 6


def _withdrawal_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    """`withdrawal ID DATE ACTOR of PRECONDITION [as HOW]`."""
    heads, at = _of_head(src, diagnostics, toks)
    how = None
    if _is_keyword(toks, at, "as"):
        how = _name(toks[at + 1])
        at += 2
    return (*heads, how), at


def _alignment_head(src: SourceText, diagnostics: list[Diagnostic], toks: list[Token]) -> tuple[tuple, int]:
    """`alignment A KIND B [from DATE] [until DATE]`: the whole statement (it has no clauses)."""
    a = _text(toks[1])
    kind = _name(toks[2])
    b = _text(toks[3])
    at = 4
    since = until = None
    if _is_keyword(toks, at, "from"):
        since = _date(src, diagnostics, toks[at + 1])
        at += 2
    if _is_keyword(toks, at, "until"):
        until = _date(src, diagnostics, toks[at + 1])
        at += 2
    if at != len(toks):
        raise NotFast
    return (a, kind, b, since, until), at


_HEADS: dict[str, Callable[[SourceText, list[Diagnostic], list[Token]], tuple[tuple, int]]] = {
    "source": _two_names,
    "actor": _two_names,
    "person": _two_names,
    "event": _event_head,
    "precondition": _precondition_head,
    "deadline": _deadline_head,
    "evidence": _evidence_head,
    "threat": _deadline_head,
    "offer": _deadline_head,
    "revision": _of_head,
    "withdrawal": _withdrawal_head,
    "alignment": _alignment_head,
}


# ---- clauses ---------------------------------------------------------------------------------
# A clause reader gets the tokens, the index after the clause's keyword and the keyword token; it
# appends the `Clause` and returns the index after the clause.
def _span(src: SourceText, first: Token, last: Token) -> Span:
    return _new(Span, (src, first[2], first[3], last[2], last[4]))


def _clause(src: SourceText, keyword: str, payload: Any, first: Token, last: Token) -> Clause:
    return _new(Clause, (keyword, payload, _new(Span, (src, first[2], first[3], last[2], last[4]))))


def _text_clause(src, diagnostics, toks, at, first, append) -> int:  # outlet, author
    token = toks[at]
    append(_clause(src, first[1], _text(token), first, token))
    return at + 1


def _string_clause(src, diagnostics, toks, at, first, append) -> int:  # file, url
    token = toks[at]
    if token[0] != "STRING":
        raise NotFast
    append(_clause(src, first[1], token[5], first, token))
    return at + 1


def _name_clause(src, diagnostics, toks, at, first, append) -> int:  # is, status
    token = toks[at]
    append(_clause(src, first[1], _name(token), first, token))
    return at + 1


def _published_clause(src, diagnostics, toks, at, first, append) -> int:
    token = toks[at]
    append(_clause(src, "published", _date(src, diagnostics, token), first, token))
    return at + 1


def _comma_list(toks, at, make) -> tuple[tuple, int]:
    """The items of `a, b, c` starting at `at`, each made by `make`, and the position after."""
    items = [make(toks[at])]
    at += 1
    count = len(toks)
    while at < count and toks[at][0] == ",":
        items.append(make(toks[at + 1]))
        at += 2
    return tuple(items), at


def _aka_clause(src, diagnostics, toks, at, first, append) -> int:
    items, at = _comma_list(toks, at, _text)
    append(_clause(src, "aka", items, first, toks[at - 1]))
    return at


def _names_clause(src, diagnostics, toks, at, first, append) -> int:  # by, responds_to
    items, at = _comma_list(toks, at, _name)
    append(_clause(src, first[1], items, first, toks[at - 1]))
    return at


def _cite_clause(src, diagnostics, toks, at, first, append) -> int:
    source = _name(toks[at])
    at += 1
    quote = None
    if at < len(toks) and toks[at][0] == "STRING":
        quote = toks[at][5]
        at += 1
    span = _span(src, first, toks[at - 1])
    append(_new(Clause, ("cite", Citation(source, quote, span), span)))
    return at


def _pattern_clause(src, diagnostics, toks, at, first, append) -> int:  # goal, requires, ...
    start = toks[at]
    negated = start[0] == "KW" and start[1] == "no"
    if negated:
        at += 1
    actor = _text(toks[at])
    verb = _name(toks[at + 1])
    target, at = _target(toks, at + 2)
    last = toks[at - 1]
    pattern = Pattern(actor, verb, target, _span(src, start, last), negated)
    append(_clause(src, first[1], pattern, first, last))
    return at


def _due_clause(src, diagnostics, toks, at, first, append) -> int:
    token = toks[at]
    kind = token[0]
    if kind == "DIGITS":
        if not _DATE(token[1]):
            raise NotFast
    elif kind != "RELATIVE":
        raise NotFast
    due = read_due(src, kind, token[1], token[2], token[3], diagnostics)
    append(_clause(src, "due", due, first, token))
    return at + 1


def _per_clause(src, diagnostics, toks, at, first, append) -> int:
    token = toks[at]
    if token[0] == "KW" and token[1] == "outlet":
        name = None
    else:
        name = _text(token)
    span = _span(src, first, token)
    append(_new(Clause, ("per", Voice(name, span), span)))
    return at + 1


def _mode_clause(src, diagnostics, toks, at, first, append) -> int:
    """`mode M`, or `mode=value, ...` (an argument named mode)."""
    if toks[at][0] == "=":
        key = _new(Name, ("mode", _span(src, first, first)))
        return _arg_clause(src, toks, at, first[:5] + (key,), append)
    return _name_clause(src, diagnostics, toks, at, first, append)


def _is_keyword(toks: list[Token], at: int, keyword: str) -> bool:
    if at >= len(toks):
        return False
    token = toks[at]
    return token[0] == "KW" and token[1] == keyword


def _of_clause(src, diagnostics, toks, at, first, append) -> int:
    actor = _text(toks[at])
    at += 1
    role = since = until = None
    if _is_keyword(toks, at, "as"):
        role = _text(toks[at + 1])
        at += 2
    if _is_keyword(toks, at, "from"):
        since = _date(src, diagnostics, toks[at + 1])
        at += 2
    if _is_keyword(toks, at, "until"):
        until = _date(src, diagnostics, toks[at + 1])
        at += 2
    span = _span(src, first, toks[at - 1])
    append(_new(Clause, ("of", Affiliation(actor, role, since, until, span), span)))
    return at


def _arg_clause(src: SourceText, toks: list[Token], at: int, first: Token, append: Any) -> int:
    """`key=value, value...` (`first` is the key, a NAME)."""
    if toks[at][0] != "=":
        raise NotFast
    values = [_value(src, toks[at + 1])]
    at += 2
    count = len(toks)
    while at < count and toks[at][0] == ",":
        values.append(_value(src, toks[at + 1]))
        at += 2
    span = _span(src, first, toks[at - 1])
    append(_new(Clause, ("=", Arg(first[5], tuple(values), span), span)))
    return at


def _value(src: SourceText, token: Token) -> Value:
    kind = token[0]
    if kind == "NAME" or kind == "STRING":
        name = token[5]
        return Value(name.text, name.span)
    if (kind == "DIGITS" or kind == "NEGATIVE") and _NUMBER(token[1]):
        text = token[1]
        span = _new(Span, (src, token[2], token[3], token[2], token[4]))
        try:
            return Value(float(text) if "." in text else int(text), span)
        except ValueError:  # too many digits: the lark path reports it
            raise NotFast from None
    raise NotFast


_CLAUSES: dict[str, Callable[..., int]] = {
    "outlet": _text_clause,
    "author": _text_clause,
    "file": _string_clause,
    "url": _string_clause,
    "published": _published_clause,
    "aka": _aka_clause,
    "is": _name_clause,
    "status": _name_clause,
    "of": _of_clause,
    "by": _names_clause,
    "responds_to": _names_clause,
    "cite": _cite_clause,
    "goal": _pattern_clause,
    "requires": _pattern_clause,
    "only_if": _pattern_clause,
    "unless": _pattern_clause,
    "after": _pattern_clause,
    "demands": _pattern_clause,
    "threat": _pattern_clause,
    "if": _pattern_clause,
    "then": _pattern_clause,
    "due": _due_clause,
    "per": _per_clause,
    "mode": _mode_clause,
    "same_as": _name_clause,
    "because_of": _names_clause,
}
