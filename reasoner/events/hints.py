"""Friendly messages for syntax errors: what the parser wanted, in the words of the language."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from lark import Token

from reasoner.events.dates import DATE_HINT

STATEMENT_KEYWORDS = (
    "source", "actor", "person", "event", "precondition", "deadline", "evidence", "threat", "offer",
    "revision", "withdrawal", "alignment",
)

# What each statement expects before its clauses, in order.
HEADS: dict[str, tuple[str, ...]] = {
    "source": ("a source id", "the title in double quotes"),
    "actor": ("an actor id", "the actor's name in double quotes"),
    "person": ("a person id", "the person's name in double quotes"),
    "event": ("an event id", "a date", "the actor", "a verb"),
    "precondition": ("an id", "a date", "the actor who states it"),
    "deadline": ("an id", "a date", "the issuing actor", "`to`", "the addressee"),
    "evidence": ("the id of the statement it supports",),
    "threat": ("an id", "a date", "the threatening actor", "`to`", "the addressee"),
    "offer": ("an id", "a date", "the offering actor", "`to`", "the addressee"),
    "revision": ("an id", "a date", "the revising actor", "`of`", "the id of the deadline revised"),
    "withdrawal": ("an id", "a date", "the withdrawing actor", "`of`", "the id of the precondition"),
    "alignment": ("an actor", "`aligned` or `opposed`", "another actor"),
}

SHAPES: dict[str, str] = {
    "source": 'source ID "TITLE" outlet "OUTLET" published DATE file "FILE"',
    "actor": 'actor ID "NAME" aka ALIAS, ALIAS is KIND',
    "person": 'person ID "NAME" of ACTOR as ROLE from DATE until DATE',
    "event": 'event ID DATE ACTOR VERB [TARGET] status S by PERSON cite SOURCE "QUOTE"',
    "precondition": (
        'precondition ID DATE ACTOR goal ACTOR VERB [TARGET] requires ACTOR VERB [TARGET] '
        'cite SOURCE "QUOTE"'
    ),
    "deadline": (
        'deadline ID DATE ISSUER to ADDRESSEE demands ACTOR VERB [TARGET] due DATE|+50d '
        'threat ACTOR VERB [TARGET] cite SOURCE "QUOTE"'
    ),
    "evidence": 'evidence ID cite SOURCE "QUOTE"',
    "threat": (
        'threat ID DATE ISSUER to ADDRESSEE if ACTOR VERB [TARGET] then ACTOR VERB [TARGET] '
        'by PERSON cite SOURCE "QUOTE"'
    ),
    "offer": (
        'offer ID DATE ISSUER to ADDRESSEE if ACTOR VERB [TARGET] then ACTOR VERB [TARGET] '
        'by PERSON cite SOURCE "QUOTE"'
    ),
    "revision": 'revision ID DATE ACTOR of DEADLINE due DATE|+10d by PERSON cite SOURCE "QUOTE"',
    "withdrawal": (
        'withdrawal ID DATE ACTOR of PRECONDITION [as waived|withdrawn] by PERSON cite SOURCE "QUOTE"'
    ),
    "alignment": "alignment ACTOR aligned|opposed ACTOR [from DATE] [until DATE]",
}

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
    head = HEADS[statement]
    read = _read_after_keyword(stack)
    if read < len(head):
        message = f"{statement} statement: expected {head[read]}, found {found}"
        if head[read] == "a date":
            return message, DATE_HINT
        return message, f"write it as: {SHAPES[statement]}"
    clause = _last_keyword(stack)
    if clause is not None and expected and "DATE" in expected and "NAME" not in expected:
        return f"`{clause}`: expected a date, found {found}", DATE_HINT
    if clause is not None and kind in ("$END", "_BOL") or (clause is not None and wanted):
        options = " or ".join(wanted[:6]) if wanted else "more"
        return f"`{clause}`: expected {options}, found {found}", f"write it as: {SHAPES[statement]}"
    return f"unexpected {found} in {statement} statement", f"write it as: {SHAPES[statement]}"


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
            if isinstance(after, Token) and after.value in HEADS:
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
