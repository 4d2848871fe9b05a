"""What kind of input is this, and is it complete? Pure functions, tested without a terminal.

REPL input is one of:

- a command, `:name args...`, always one line;
- an event statement, a line starting with a statement keyword of the event language (`event`,
  `actor`, `source`, `deadline`, ...: `reasoner.events.keywords`) followed by a name, as in an
  `.events` file; it continues on indented lines, and in the interactive shell an empty line ends it;
- rule-language text: a query `?- goal.`, a bare goal, rules, facts and directives; it ends
  when a statement ends with `.` (a `.` inside a string, a comment or a number does not count),
  or at once when a string is left open (strings end on their line: the parser reports it); and
  directives (`.decl`, `.type`, `.input`, ..., `#include`) end at the end of a line once
  their parentheses are closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from reasoner.repl.lexer import is_event_statement, tokenize

_CLOSED_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_COMMAND_LINE = re.compile(r":[A-Za-z]")


def classify(text: str) -> str:
    """'empty', 'command', 'events' or 'rules' (queries, goals, rules, facts, directives)."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    if stripped.startswith(":"):
        return "command"
    if is_event_statement(stripped):
        return "events"
    return "rules"


def is_complete(text: str) -> bool:
    """Whether the interactive shell should run `text` when Enter is pressed (rather than
    continue it on a new line)."""
    kind = classify(text)
    if kind in ("empty", "command"):
        return True
    if kind == "events":
        return "\n" in text and not text.rsplit("\n", 1)[1].strip()
    return rules_complete(text)


def rules_complete(text: str) -> bool:
    """Whether rule-language text ends at a statement boundary."""
    pending = False  # a statement has started and not ended
    directive = False  # ... and it is a directive, which ends at a line end
    depth = 0
    previous_end = 0
    for token in tokenize(text):
        if token.kind == "string" and not _CLOSED_STRING.fullmatch(token.text):
            return True  # strings end on their line: nothing to wait for, let the parser say so
        if token.kind == "comment" and token.text.startswith("/*") and not (
                len(token.text) >= 4 and token.text.endswith("*/")):
            return False  # an unterminated block comment
        if token.kind in ("space", "comment"):
            continue
        if directive and depth <= 0 and "\n" in text[previous_end:token.start]:
            pending = directive = False
            depth = 0
        previous_end = token.start + len(token.text)
        if token.kind == "directive":
            pending = directive = True
        elif token.text in ("(", "{"):
            depth += 1
            pending = True
        elif token.text in (")", "}"):
            depth -= 1
            pending = True
        elif token.kind == "end" and not directive and depth <= 0:
            pending = False
            depth = 0
        else:
            pending = True
    return not pending or (directive and depth <= 0)


def split_script(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """The inputs of a script, each with the number of its first line.

    Rule-language inputs end as in the shell, or at a line starting with a command; an event
    statement takes the indented lines that follow it; blank lines between inputs are skipped. Whatever is left unfinished at the end
    is still returned (so that its error is reported)."""
    buffer: list[str] = []
    kind = ""
    first = 0
    for number, line in enumerate(lines, start=1):
        if not line.endswith("\n"):
            line += "\n"
        if buffer and kind == "events":
            if line[:1] in (" ", "\t") and line.strip():
                buffer.append(line)
                continue
            yield first, "".join(buffer)
            buffer = []
        if buffer and _COMMAND_LINE.match(line):  # a command ends an unfinished statement
            yield first, "".join(buffer)
            buffer = []
        if not buffer:
            kind = classify(line)
            if kind == "empty":
                continue
            first = number
            buffer = [line]
            if kind == "command":
                yield first, line
                buffer = []
                continue
            if kind == "events":
                continue
        else:
            buffer.append(line)
        if rules_complete("".join(buffer)):
            yield first, "".join(buffer)
            buffer = []
    if buffer:
        yield first, "".join(buffer)
