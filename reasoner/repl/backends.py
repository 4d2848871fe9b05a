"""Which engine a REPL session runs on, and `:set backend NAME [DATABASE]` to change it.

A session is started by a `Starter`: the start-up files and the options of the engine they are
loaded into (the limits of the command line, `--backend`, `--database`). `:reset` calls it again.
Switching backend builds a new engine from the starter with the new backend, loads the start-up
files into it and then every input the session added (rules and facts typed, event statements,
`:load`ed files), in order; only when all of that loaded does the session move to the new
engine and say so. A failure (a database that cannot be opened, a construct the backend cannot
run) is reported and the session stays where it was. Snapshots are of the old engine and are
dropped; facts retracted with `:retract` from the start-up files hold again (as after `:reset`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from reasoner.engine import Engine
from reasoner.errors import Diagnostic
from reasoner.repl.session import CommandError, Session
from reasoner.repl.statements import StatementCache
from reasoner.sql.opening import BACKENDS, backend_name, describe, engine_options


@attrs.define
class Starter:
    """Builds a session's starting engine: `paths` loaded into `Engine(**options)`. The
    warnings of the last load are kept in `warnings` (run_repl prints them at start-up)."""

    paths: tuple[Path, ...] = ()
    options: Mapping[str, Any] = attrs.field(factory=dict)
    warnings: list[Diagnostic] = attrs.field(factory=list)

    def __call__(self) -> Engine:
        engine = Engine(**self.options)
        self.warnings = engine.load(*self.paths) if self.paths else []
        return engine

    @property
    def backend(self) -> str:
        return str(self.options.get("backend", "python"))

    def describe(self) -> str:
        """The backend as `:set` shows it: `python`, `duckdb (in memory)`, `duckdb (db.duckdb)`."""
        if self.backend == "duckdb" and not self.options.get("database"):
            return "duckdb (in memory)"
        return describe(dict(self.options))


def starter_of(session: Session) -> Starter:
    """The session's starter (a session started some other way: no start-up files, the
    default options)."""
    starter = session.make_engine
    return starter if isinstance(starter, Starter) else Starter()


def backend_setting(session: Session) -> str:
    """The `backend ...` line of `:set`."""
    return f"backend {starter_of(session).describe()}"


def set_backend(session: Session, args: list[str]) -> None:
    """`:set backend NAME [DATABASE]`: reload the session into an engine on that backend."""
    if not args or len(args) > 2:
        raise CommandError(f"`:set backend` takes a backend ({', '.join(BACKENDS)}) and, for duckdb, "
                           "a database file: `:set backend duckdb` or `:set backend duckdb events.duckdb`")
    try:
        name = backend_name(args[0])
        backend_options = engine_options(name, args[1] if len(args) > 1 else None)
    except ValueError as exc:
        message = str(exc).replace("--database", "a database file")
        raise CommandError(message) from None
    old = starter_of(session)
    kept = {key: value for key, value in old.options.items() if key not in ("backend", "database", "spark_master")}
    limits = session.engine.limits
    kept.update(max_tuples=limits.max_tuples, time_budget=limits.time_budget, max_memory=limits.max_memory)
    starter = Starter(old.paths, {**kept, **backend_options})
    if dict(starter.options) == dict(old.options) and isinstance(session.make_engine, Starter):
        session.say(f"backend {starter.describe()} already")
        return
    engine = starter()  # a ReasonerError is printed by the session, which stays as it was
    try:
        inputs = _replay(session, engine)
    except BaseException:
        _close(engine)
        raise
    previous = session.engine
    dropped = len(session.snapshots)
    session.engine = engine
    session.make_engine = starter
    session.snapshots.clear()
    session.statements = StatementCache()
    session.last_proof = None
    session.last_answers = None
    _close(previous)
    for warning in starter.warnings:
        session.say(warning.render())
    files = len(starter.paths)
    parts = [f"{files} start-up path{'s' if files != 1 else ''}"] if files else []
    if inputs or not parts:
        parts.append(f"{inputs} input{'s' if inputs != 1 else ''}")
    note = f"; {dropped} snapshot{'s' if dropped != 1 else ''} dropped" if dropped else ""
    session.say(f"backend {starter.describe()}: reloaded {' and '.join(parts)}{note}")


def _replay(session: Session, engine: Engine) -> int:
    """Load the session's inputs into `engine`, in order; how many there were."""
    count = 0
    for number, added in enumerate(session.added, start=1):
        if added.kind == "load":
            engine.load(*added.text.splitlines())
        else:
            engine.load_text(added.text, name=added.name or f"<input {number}>", kind=added.kind)
        count += 1
    return count


def _close(engine: Engine) -> None:
    close = getattr(engine, "close", None)
    if close is not None:
        close()
