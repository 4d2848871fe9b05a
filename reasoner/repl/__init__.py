"""The REPL: a `Session` (one engine and its inputs) driven by the interactive prompt_toolkit
shell or by a script on stdin.

    inputs.py     what kind of input, and is it complete (pure functions)
    lexer.py      tokens, for highlighting and for the completeness check
    completer.py  what could complete the input (a pure function) and its prompt_toolkit adapter
    session.py    one input answered: queries, rules, facts, event statements
    registry.py   a command, a module's group of commands, a session's table of them
    commands.py   the built-in `:commands`; table.py the table a session starts with (with the
                  questions' `:ask`, `:questions`, `:brief` from reasoner/questions/repl.py)
    timeline.py   `:timeline`: events, deadlines, preconditions, threats and offers in date order
    statements.py the dated statements as `id (date actor verb target)`, for answers (`:set ids`)
    history.py    where the history file lives
    script.py     the non-interactive loop; shell.py the interactive one
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from reasoner.errors import ReasonerError
from reasoner.resources import data_dir


def default_files() -> list[Path]:
    """The shipped rule library and event corpus."""
    return [data_dir("rules"), data_dir("corpus")]


def run_repl(files: list[str], defaults: bool = True, *, strict: bool = False, echo: bool = True,
             stdin: TextIO | None = None, stdout: TextIO | None = None,
             limits: dict | None = None) -> int:
    """Open a session on the shipped files (unless `defaults` is False) and `files`; run the
    interactive shell when stdin is a terminal, else the script on stdin. The exit status:
    0, 1 when the files do not load (or, with `strict`, an input fails), 130 after Ctrl-C in
    a script."""
    from reasoner.repl.backends import Starter
    from reasoner.repl.session import Session
    from reasoner.repl.table import command_table

    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    paths = ([*default_files()] if defaults else []) + [Path(f) for f in files]
    started = time.perf_counter()
    make_engine = Starter(tuple(paths), dict(limits or {}))  # again on `:reset`, `:set backend`

    try:
        session = Session(make_engine, out=stdout, commands=command_table())
    except ReasonerError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    for warning in make_engine.warnings:
        print(warning.render(), file=sys.stderr)
    if stdin.isatty() and stdout.isatty():
        from reasoner.repl.shell import run_shell

        engine = session.engine
        events = engine.size("event") if "event" in engine.relations() else 0
        banner = (f"reasoner: {len(engine.relations())} relations, {events} events, "
                  f"{len(engine.program.rules)} rules loaded in {time.perf_counter() - started:.2f} s\n"
                  f"`:help` for help, Tab completes, Ctrl-D leaves")
        return run_shell(session, banner=banner)
    from reasoner.repl.script import run_script

    return run_script(session, stdin, echo_input=echo, strict=strict)


__all__ = ["default_files", "run_repl"]
