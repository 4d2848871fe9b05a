"""`reasoner repl < script`: run REPL input from a file or pipe, echoing it with its answers.

Each input is echoed after the prompt (continuation lines after the continuation prompt),
then answered, exactly as in the shell; a transcript of a script therefore reads like the
interactive session. With `strict`, the first error stops the script with status 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from reasoner.repl.inputs import split_script
from reasoner.repl.session import Session

PROMPT = "reasoner> "
CONTINUATION = "     ...> "


def echo(text: str) -> str:
    """An input as the shell shows it: prompt, then continuation prompts."""
    lines = text.rstrip("\n").split("\n")
    return "\n".join((PROMPT if number == 0 else CONTINUATION) + line
                     for number, line in enumerate(lines))


def run_script(session: Session, lines: Iterable[str], *, echo_input: bool = True,
               strict: bool = False) -> int:
    """Run every input of `lines`; the exit status: 0, or 1 when `strict` and an input failed
    (the rest is skipped), or 130 after Ctrl-C."""
    try:
        for _line, text in split_script(lines):
            if echo_input:
                session.say(echo(text))
            reply = session.handle(text)
            if reply.stop:
                return 0
            if strict and not reply.ok:
                return 1
    except KeyboardInterrupt:
        session.say("interrupted")
        return 130
    return 0
