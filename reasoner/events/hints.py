"""Friendly messages for syntax errors: what the parser wanted, in the words of the language.

What each statement expects and how it is written come from the keyword table
(`reasoner.events.keywords`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from lark import Token

from reasoner.events.dates import DATE_HINT
from reasoner.events.keywords import STATEMENT_KEYWORDS, STATEMENTS

_WORDS = {
    "NAME": "a name",
    "STRING": "a quoted string",
    "DATE": "a date",
    "RELATIVE": "a relative date such as +50d",
    "NUMBER": "a number",
    "COMMA": "`,`",
    "EQUAL": "`=`",
    "$END": "the end of the text",
    "_BOL": "a new statement",
}


def describe(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    return f"`{terminal.lower()}`"


def describe_unexpected(
    kind: str, text: str, expected: Collection[str], stack: Sequence[object]
) -> tuple[str, str | None]:
    """(message, hint) for an unexpected token of terminal `kind` (or 'char', or '$END')."""
    found = _found(kind, text)
    if kind == "char":
        if text == '"':
            return "unterminated string", "a quoted string must end on the line it starts on"
        if text and text in "'\u2018\u2019\u201c\u201d":
            return f"unexpected {found}", 'quote text with straight double quotes: "..."'
        return f"unexpected {found}", None
    statement = _statement_keyword(stack)
    wanted = sorted(describe(t) for t in expected if t != "_BOL")
    if statement is None:
        keywords = ", ".join(STATEMENT_KEYWORDS)
        return (
            f"{found} cannot start a statement",
            f"a statement starts with one of: {keywords}; continuation lines must be indented",
        )
    head = STATEMENTS[statement].head
    shape = STATEMENTS[statement].shape
    read = _read_after_keyword(stack)
    if read < len(head):
        message = f"{statement} statement: expected {head[read]}, found {found}"
        if head[read] == "a date":
            return message, DATE_HINT
        return message, f"write it as: {shape}"
    clause = _last_keyword(stack)
    if clause is not None and expected and "DATE" in expected and "NAME" not in expected:
        return f"`{clause}`: expected a date, found {found}", DATE_HINT
    if clause is not None and kind in ("$END", "_BOL") or (clause is not None and wanted):
        options = " or ".join(wanted[:6]) if wanted else "more"
        return f"`{clause}`: expected {options}, found {found}", f"write it as: {shape}"
    return f"unexpected {found} in {statement} statement", f"write it as: {shape}"


def _found(kind: str, text: str) -> str:
    if kind in ("$END", "_BOL"):
        return "the end of the statement"
    if kind == "STRING":
        return "a quoted string"
    if kind == "char" and not text.isprintable():
        return f"character U+{ord(text):04X}" if len(text) == 1 else "the end of the line"
    return f"`{text}`"


def _statement_keyword(stack: Sequence[object]) -> str | None:
    for index in range(len(stack) - 1, -1, -1):
        item = stack[index]
        if isinstance(item, Token) and item.type == "_BOL":
            after = stack[index + 1] if index + 1 < len(stack) else None
            if isinstance(after, Token) and after.value in STATEMENTS:
                return after.value
            return None
    return None


def _read_after_keyword(stack: Sequence[object]) -> int:
    for index in range(len(stack) - 1, -1, -1):
        item = stack[index]
        if isinstance(item, Token) and item.type == "_BOL":
            return len(stack) - index - 2
    return 0


def _last_keyword(stack: Sequence[object]) -> str | None:
    for item in reversed(stack):
        if isinstance(item, Token) and item.type not in ("NAME", "STRING", "DATE", "NUMBER", "RELATIVE", "COMMA", "EQUAL", "_BOL"):
            return item.value
        if isinstance(item, Token) and item.type == "_BOL":
            return None
    return None
