"""The session outside any loop: it survives bugs, and an interrupted change leaves no trace."""

from __future__ import annotations

import _thread
import io
import signal
import threading
import time

import pytest

from reasoner.engine import Engine
from reasoner.repl.history import history_path
from reasoner.repl.script import run_script
from reasoner.repl.session import Session
from reasoner.repl.table import command_table

RUNAWAY = "p(X + 1) :- p(X), X < 100000000."  # about 10^8 rounds: minutes


@pytest.fixture
def ctrl_c_raises():
    """SIGINT handled by Python's default handler (KeyboardInterrupt), as in the shell
    (`run_shell` installs it), whatever ran before in this process."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def new_session() -> tuple[Session, io.StringIO]:
    out = io.StringIO()

    def make_engine() -> Engine:
        engine = Engine()
        engine.load_text(".decl p(x: number)\np(0).", name="start.dl")
        return engine

    return Session(make_engine, out=out, commands=command_table()), out


def test_a_bug_in_a_command_is_reported_and_the_session_goes_on(monkeypatch):
    session, out = new_session()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(session.engine, "relations", broken)
    reply = session.handle(":relations")
    assert not reply.ok and not reply.stop
    assert "internal error: RuntimeError: boom" in out.getvalue()
    assert "the session is unchanged" in out.getvalue()
    monkeypatch.undo()
    assert session.handle("?- p(X).").ok
    assert out.getvalue().endswith("X\n-\n0\n(1 row)\n")


def test_interrupting_a_long_evaluation_leaves_the_engine_as_it_was(ctrl_c_raises):
    session, out = new_session()
    engine = session.engine
    before = (engine.relations(), engine.relation("p"), engine.program, engine.warnings)
    timer = threading.Timer(1.5, _thread.interrupt_main)
    started = time.perf_counter()
    timer.start()
    try:
        session.handle(RUNAWAY)
        raise AssertionError("the evaluation finished: it was meant to run for minutes")
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 60
    assert (engine.relations(), engine.relation("p"), engine.program, engine.warnings) == before
    assert session.added == []  # nothing recorded for `:save`
    assert session.handle("?- p(X).").ok
    assert out.getvalue().endswith("X\n-\n0\n(1 row)\n")


def test_interrupting_an_event_load_leaves_the_engine_as_it_was(ctrl_c_raises):
    session, _ = new_session()
    engine = session.engine
    session.handle('actor RUS "Russia" is state\n\n')
    # a rule that runs for minutes once the actor USA exists: interrupt the event load
    engine.load_text(".decl q(x: number)\nq(X + 1) :- q(X), X < 100000000.\n"
                     "q(0) :- actor(\"USA\", _, _).", name="trigger.dl")
    before = (engine.relations(), {n: engine.relation(n) for n in engine.relations()}, engine.program)
    timer = threading.Timer(1.5, _thread.interrupt_main)
    timer.start()
    try:
        session.handle('actor USA "United States" is state\n\n')
        raise AssertionError("the evaluation finished: it was meant to run for minutes")
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
    after = (engine.relations(), {n: engine.relation(n) for n in engine.relations()}, engine.program)
    assert after == before
    assert engine.query('actor("USA", _, _)') == []


def test_script_stops_at_quit_and_in_strict_mode_at_the_first_error():
    session, out = new_session()
    assert run_script(session, ["?- p(X).\n", ":quit\n", "?- nothing(X).\n"]) == 0
    assert "nothing" not in out.getvalue()
    session, out = new_session()
    assert run_script(session, ["?- q(X).\n", "?- p(X).\n"], strict=True) == 1
    assert "(1 row)" not in out.getvalue()
    session, out = new_session()
    assert run_script(session, ["?- q(X).\n", "?- p(X).\n"], strict=False) == 0
    assert "(1 row)" in out.getvalue()


def test_history_path():
    assert history_path({"XDG_DATA_HOME": "/data"}).as_posix() == "/data/reasoner/history"
    assert history_path({"XDG_DATA_HOME": "", "HOME": "/home/ana"}).as_posix() == \
        "/home/ana/.local/share/reasoner/history"
    assert history_path({"XDG_DATA_HOME": "relative", "HOME": "/home/ana"}).as_posix() == \
        "/home/ana/.local/share/reasoner/history"
