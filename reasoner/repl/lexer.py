"""Tokens of REPL input, for highlighting and for the completeness check.

`tokenize(text)` is a pure function: it splits any text (rules, a query, a command, an
event statement) into `Token`s whose texts add up to the input, so that a caller can colour
each piece or look at the meaningful ones. It never fails: text it cannot read becomes an
`error` token. `RuleLexer` adapts it to prompt_toolkit (imported only by the shell). The
keywords of event statements are those of the event language's table
(`reasoner.events.keywords`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reasoner.functors import TABLE, TESTS
from reasoner.events.keywords import KEYWORDS as EVENT_KEYWORDS, STATEMENT_KEYWORDS


class Token(NamedTuple):
    kind: str  # see KINDS
    text: str
    start: int  # offset in the tokenized text


KINDS = ("space", "comment", "string", "number", "date", "variable", "name", "keyword",
         "directive", "command", "punct", "operator", "end", "error")

# Highlighted as keywords: the named functors of the functor table and its word operators
# (`band`, `lor`...), the constraints, the aggregates and the truth values.
FUNCTORS = ({f.name for f in TABLE if f.named or f.name.isalpha()} | set(TESTS)
            | {"count", "sum", "min", "max", "mean", "true", "false"})

_RULES = [
    ("space", r"\s+"),
    ("comment", r"//[^\n]*|/\*(?:.|\n)*?(?:\*/|\Z)"),
    ("string", r'"(?:[^"\\\n]|\\.)*(?:"|$)'),
    ("date", r"\d{4}-\d{2}-\d{2}(?![0-9])"),
    ("number", r"0x[0-9a-fA-F]+|0b[01]+|\d+\.\d+(?:[eE][-+]?\d+)?|\d+"),
    ("directive", r"\.(?:decl|type|input|output|printsize|symbol_type|number_type|pragma)\b"
                  r"|#(?:include|define|undef|ifdef|ifndef|if|elif|else|endif)\b"),
    ("operator", r"\?-|:-|<:|<=|>=|!=|[=<>+\-*/%^!]"),
    ("name", r"[A-Za-z_?][A-Za-z0-9_?]*(?:\.[A-Za-z_?][A-Za-z0-9_?]*)*"),
    ("end", r"\."),
    ("punct", r"[(),;:{}|$]"),
    ("error", r"."),
]
_PATTERN = re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in _RULES), re.MULTILINE)
_EVENT_COMMENT = re.compile(r"#[^\n]*")
_EVENT_START = re.compile(r"(?:%s)[ \t]+[^\s(]" % "|".join(STATEMENT_KEYWORDS))


def is_event_statement(text: str) -> bool:
    """Whether `text` starts an event statement (`event x ...`, not the atom `event(...)`)."""
    return _EVENT_START.match(text.lstrip()) is not None


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, in order; their texts concatenated give `text` back."""
    stripped = text.lstrip()
    if stripped.startswith(":"):
        return _command_tokens(text)
    if is_event_statement(stripped):
        return _event_tokens(text)
    return _rule_tokens(text)


def _rule_tokens(text: str) -> list[Token]:
    tokens = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup or "error"
        value = match.group()
        if kind == "name":
            if value[0].isupper() or value == "_":
                kind = "variable"
            elif value in FUNCTORS:
                kind = "keyword"
        tokens.append(Token(kind, value, match.start()))
    return tokens


def _command_tokens(text: str) -> list[Token]:
    match = re.match(r"(\s*)(:\S*)", text)
    assert match is not None
    tokens = []
    if match.group(1):
        tokens.append(Token("space", match.group(1), 0))
    tokens.append(Token("command", match.group(2), match.start(2)))
    rest = text[match.end():]
    if rest:
        tokens.append(Token("space" if not rest.strip() else "name", rest, match.end()))
    return tokens


def _event_tokens(text: str) -> list[Token]:
    """Event statements: keywords, names, dates, strings and `#` comments."""
    tokens = []
    position = 0
    while position < len(text):
        comment = _EVENT_COMMENT.match(text, position)
        if comment:
            tokens.append(Token("comment", comment.group(), position))
            position = comment.end()
            continue
        match = _PATTERN.match(text, position)
        assert match is not None
        kind = match.lastgroup or "error"
        value = match.group()
        if kind in ("name", "variable"):
            kind = "keyword" if value in EVENT_KEYWORDS else "name"
        elif kind in ("operator", "end"):
            kind = "punct"
        tokens.append(Token(kind, value, position))
        position = match.end()
    return tokens


def significant(tokens: list[Token]) -> list[Token]:
    """The tokens that are neither white space nor comments."""
    return [t for t in tokens if t.kind not in ("space", "comment")]


STYLE = {
    "comment": "italic #888888",
    "string": "#5f8700",
    "number": "#0087af",
    "date": "#0087af bold",
    "variable": "#af5f00",
    "name": "",
    "keyword": "#8700af",
    "directive": "#8700af bold",
    "command": "#005faf bold",
    "operator": "#875f00",
    "end": "bold",
    "punct": "",
    "error": "bg:#ffd7d7",
    "space": "",
}


def rule_lexer():
    """A prompt_toolkit `Lexer` colouring REPL input with `tokenize`."""
    from prompt_toolkit.lexers import Lexer

    class RuleLexer(Lexer):
        def lex_document(self, document):
            lines: list[list[tuple[str, str]]] = [[]]
            for token in tokenize(document.text):
                style = f"class:{token.kind}"
                pieces = token.text.split("\n")
                for number, piece in enumerate(pieces):
                    if number:
                        lines.append([])
                    if piece:
                        lines[-1].append((style, piece))

            def get_line(number: int):
                return lines[number] if number < len(lines) else []

            return get_line

    return RuleLexer()
