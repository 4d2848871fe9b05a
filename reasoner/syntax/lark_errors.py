"""Turn lark's parse exceptions into `Diagnostic`s with a caret and, where we can, a hint."""

from __future__ import annotations

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from reasoner.errors import Diagnostic, error
from reasoner.source import SourceText, Span

# Terminal names as people read them.
_TERMINAL_NAMES = {
    "DOT": "`.`",
    "COMMA": "`,`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COLON": "`:`",
    "SEMICOLON": "`;`",
    "IF": "`:-`",
    "DECL": "`.decl`",
    "TYPE": "`.type`",
    "INCLUDE": "`#include`",
    "TRUE": "`true`",
    "FALSE": "`false`",
    "COUNT": "`count`",
    "IDENT": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "FLOAT": "a float",
    "DATE": "a date",
    "COMPARE": "a comparison",
    "$END": "the end of the input",
    "BANG": "`!`",
    "EQUAL": "`=`",
    "VBAR": "`|`",
    "SUBTYPE": "`<:`",
    "QUERY_START": "`?-`",
    "IO_KEYWORD": "`.input` or `.output`",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*`, `/` or `%`",
    "POW_OP": "`^`",
    "MINUS": "`-`",
    "UNDERSCORE": "`_`",
    "DOLLAR": "`$`",
    "MINMAX": "`min` or `max`",
    "AGG_OP": "an aggregate",
    "QUALIFIER": "a qualifier",
}


def _name(terminal: str, patterns: dict[str, str]) -> str:
    if terminal in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[terminal]
    if terminal in patterns:
        return f"`{patterns[terminal]}`"
    return terminal.strip('"').lower()


def _describe(terminals: set[str], patterns: dict[str, str] | None = None) -> str:
    names = sorted({_name(t, patterns or {}) for t in terminals})
    if len(names) > 6 and "BANG" in terminals:  # where a body literal may start
        return "an atom, `!atom`, a comparison or `(`"
    if len(names) > 6 and "IDENT" in terminals and "NUMBER" in terminals:  # where a term may start
        return "a value (a variable, a constant, a functor or an aggregate)"
    if len(names) > 6:
        names = names[:6] + ["..."]
    return ", ".join(names)


def _token_text(token: lark.Token) -> str:
    if token.type == "$END":
        return "the end of the input"
    return f"`{token}`"


def _statement_start(token: lark.Token) -> bool:
    return token.type in {"$END", "IDENT", "IO_KEYWORD", "QUERY_START"} or str(token) in {
        ".decl", ".type", "#include",
    }


def _unterminated_comment(exc: UnexpectedInput, source: SourceText, what: str) -> Diagnostic | None:
    """A `/*` with no `*/` after it: the BLOCK_COMMENT token cannot match, so the lexer reads
    `/` as division (or fails on it) and the parser stumbles there or on the `*` after it."""
    token = getattr(exc, "token", None)
    at = getattr(exc, "pos_in_stream", None) if token is None else getattr(token, "start_pos", None)
    if at is None:
        return None
    text = source.text
    start = at if text.startswith("/*", at) else at - 1 if at > 0 and text.startswith("/*", at - 1) else None
    if start is None or "*/" in text[start + 2:]:
        return None
    line, column = source.position(start)
    return error(f"unterminated comment in {what}", Span.at(source, line, column, 2),
                 "a block comment `/* ... */` is closed with `*/`")


# Tokens that end a value and tokens that start one: two in a row inside parentheses are a
# missing comma (`event(E, "RUS" V)`), not a missing `.`.
_VALUE_ENDS = frozenset({"IDENT", "STRING", "NUMBER", "FLOAT", "DATE", "RPAR", "QNAME"})
_VALUE_STARTS = frozenset({"IDENT", "STRING", "NUMBER", "FLOAT", "DATE", "QNAME", "BANG"})


def _missing_comma(source: SourceText, token: lark.Token, prev: lark.Token | None) -> str | None:
    """`between arguments` when `token` follows a value inside an atom's or a functor's
    parentheses with no `,` between them, `between literals` inside other parentheses (a
    parenthesised body), else None."""
    if prev is None or token.type not in _VALUE_STARTS or prev.type not in _VALUE_ENDS:
        return None
    line, column = token.line, token.column
    if line is None or column is None:
        return None
    lines = source.text.split("\n")
    if line > len(lines):
        return None
    before = "\n".join(lines[:line - 1] + [lines[line - 1][:column - 1]])
    opened: list[bool] = []  # for each open `(`: whether a name precedes it (an argument list)
    i, quoted = 0, False
    while i < len(before):
        char = before[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif before.startswith("//", i):
            end = before.find("\n", i)
            i = len(before) if end < 0 else end
        elif before.startswith("/*", i):
            end = before.find("*/", i + 2)
            i = len(before) if end < 0 else end + 1
        elif char == "(":
            name = before[:i].rstrip()
            opened.append(bool(name) and (name[-1].isalnum() or name[-1] in "_?"))
        elif char == ")" and opened:
            opened.pop()
        i += 1
    if not opened:
        return None
    return "between arguments" if opened[-1] else "between literals"


def diagnostic_from_lark(exc: UnexpectedInput, source: SourceText, what: str,
                         patterns: dict[str, str] | None = None) -> Diagnostic:
    """One diagnostic for a lark parse failure in `source`. `patterns` gives the literal
    text of the grammar's anonymous keyword terminals, for the "expected ..." list."""
    unterminated = _unterminated_comment(exc, source, what)
    if unterminated is not None:
        return unterminated
    if isinstance(exc, UnexpectedCharacters):
        char = source.text[exc.pos_in_stream] if exc.pos_in_stream < len(source.text) else ""
        span = Span.at(source, exc.line, exc.column)
        hint = None
        shown = f"`{char}`" if char.isprintable() else f"U+{ord(char):04X}" if char else "end"
        message = f"unexpected character {shown} in {what}"
        if char == '"':
            # The STRING token did not match: no closing quote before the end of the line.
            return error(f"unclosed string in {what}", span,
                         'a string ends with `"` on the same line; write `\\"` for a quote inside it')
        if char == "'":
            hint = 'symbols are written in double quotes: "like this"'
        elif char == "<" and source.text.startswith("<-", exc.pos_in_stream):
            hint = "rules are written `head :- body.`"
        elif char == ":" and source.text.startswith(":=", exc.pos_in_stream):
            hint = "rules are written `head :- body.`"
        elif char == "&":
            hint = "conjunction is written with `,`"
        elif char == "|":
            hint = "disjunction is written with `;`"
        return error(message, span, hint)

    if isinstance(exc, (UnexpectedToken, UnexpectedEOF)):
        token = getattr(exc, "token", None)
        expected = set(getattr(exc, "expected", ()) or getattr(exc, "accepts", ()) or ())
        prev = None
        if isinstance(exc, UnexpectedToken) and exc.state is not None:
            history = getattr(exc, "token_history", None)
            if history:
                prev = history[-1]
        if token is None or token.type == "$END":
            line = source.text.count("\n") + 1
            end = source.text.rstrip()
            line = end.count("\n") + 1
            column = len(end) - (end.rfind("\n") + 1) + 1
            span = Span.at(source, line, max(column, 1))
            if "DOT" in expected:
                return error(
                    f"unexpected end of {what}: expected `.`",
                    span,
                    "every rule, fact and query ends with `.`",
                )
            return error(f"unexpected end of {what}: expected {_describe(expected, patterns)}", span)
        span = Span.at(source, token.line, token.column, len(str(token)))
        missing = _missing_comma(source, token, prev) if "COMMA" in expected else None
        if missing is not None:
            return error(f"expected `,` {missing}, before {_token_text(token)}", span, (
                "arguments are separated by `,`" if missing == "between arguments"
                else "write `,` for and, `;` for or"))
        if "DOT" in expected and _statement_start(token) and prev is not None:
            # The previous statement was not closed: put the caret right after it.
            after = Span.at(source, prev.end_line, prev.end_column)
            return error(
                f"expected `.` before {_token_text(token)}",
                after,
                "every rule, fact and query ends with `.`",
            )
        hint = None
        if token.type == "IDENT" and "COLON" in expected:
            hint = "each attribute needs a type, e.g. `name: symbol`"
        elif str(token) in ("=", ":", "<") and "IF" in expected:
            hint = "rules are written `head :- body.`"
        elif str(token) == "=" and "COLON" in expected:
            hint = "declarations are written `.decl name(attr: type, ...)`"
        return error(
            f"unexpected {_token_text(token)} in {what}; expected {_describe(expected, patterns)}",
            span,
            hint,
        )
    return error(f"cannot parse {what}: {exc}", None)
