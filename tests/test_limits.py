"""Runaway programs stop with a diagnostic and leave the engine as it was (issue 8)."""

from __future__ import annotations

import io

import pytest

from reasoner import Engine, LimitError
from reasoner.cli import main
from reasoner.repl import run_repl

BASE = ".decl p(x: number)\np(0).\n.decl q(x: number)\nq(1). q(2).\n"


def snapshot(engine: Engine) -> dict:
    return {name: engine.relation(name) for name in engine.relations()}


def test_unbounded_recursion_stops_at_the_tuple_limit_naming_relation_and_rule():
    engine = Engine(max_tuples=5_000)
    engine.load_text(BASE, name="base.dl")
    before = snapshot(engine)
    with pytest.raises(LimitError) as caught:
        engine.load_text("p(X + 1) :- p(X).", name="runaway.dl")
    text = str(caught.value)
    assert "more than 5,000 derived tuples" in text
    assert "`p` was growing" in text
    assert "runaway.dl:1:1" in text and "p(X + 1) :- p(X)." in text and "^" in text
    assert snapshot(engine) == before
    assert "runaway" not in engine.dump("ast")


def test_a_huge_cross_product_is_stopped_inside_one_rule():
    engine = Engine(max_tuples=10_000)
    engine.load_text(".decl n(x: number)\nn(0).\nn(X + 1) :- n(X), X < 999.\n", name="n.dl")
    before = snapshot(engine)
    with pytest.raises(LimitError) as caught:
        engine.load_text(".decl pair(x: number, y: number, z: number)\n"
                         "pair(X, Y, Z) :- n(X), n(Y), n(Z).\n", name="cross.dl")
    assert "`pair` was growing" in str(caught.value)
    assert snapshot(engine) == before


def test_time_budget_stops_a_long_evaluation():
    engine = Engine(max_tuples=None, time_budget=0.2)
    engine.load_text(BASE)
    with pytest.raises(LimitError) as caught:
        engine.load_text("p(X + 1) :- p(X).", name="slow.dl")
    assert "time budget of 0.2 s ran out" in str(caught.value)
    assert "slow.dl:1:1" in str(caught.value)


def test_limits_can_be_changed_and_lifted():
    engine = Engine()
    engine.set_limits(max_tuples=100)
    assert engine.limits.max_tuples == 100 and engine.limits.time_budget is None
    engine.load_text(BASE)
    with pytest.raises(LimitError):
        engine.load_text("p(X + 1) :- p(X), X < 500.")
    engine.set_limits(max_tuples=None)
    engine.load_text("p(X + 1) :- p(X), X < 500.")
    assert engine.size("p") == 501


def test_add_facts_that_cross_the_limit_add_nothing():
    engine = Engine(max_tuples=50)
    engine.load_text(".decl e(x: number, y: number)\n.decl t(x: number, y: number)\n"
                     "t(X, Y) :- e(X, Y).\nt(X, Z) :- t(X, Y), e(Y, Z).\n")
    with pytest.raises(LimitError):
        engine.add_facts("e", [(i, i + 1) for i in range(20)])
    assert engine.relation("e") == set()


def test_a_query_is_bound_by_the_limit_too():
    engine = Engine(max_tuples=100)
    engine.load_text(".decl n(x: number)\nn(0).\nn(X + 1) :- n(X), X < 50.\n")
    with pytest.raises(LimitError):
        engine.query("n(X), n(Y), n(Z)")


def test_batch_mode_takes_the_limit_on_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runaway.dl").write_text(BASE + "p(X + 1) :- p(X).\n.output p\n", encoding="utf-8")
    assert main(["run", "runaway.dl", "-D", "out", "--max-tuples", "1000"]) == 1
    err = capsys.readouterr().err
    assert "runaway.dl:5:1: error: evaluation stopped: more than 1,000 derived tuples" in err
    assert not (tmp_path / "out" / "p.csv").exists()


def test_repl_set_changes_the_limit_and_the_session_survives():
    script = io.StringIO(BASE + ":set max_tuples 300\np(X + 1) :- p(X).\n?- p(X), X > 1.\n:set\n")
    out = io.StringIO()
    assert run_repl([], defaults=False, stdin=script, stdout=out) == 0
    text = out.getvalue()
    assert "max_tuples 300" in text
    assert "more than 300 derived tuples" in text
    assert "(no answers)" in text or "0 rows" in text or "false" in text


def test_keyboard_interrupt_during_evaluation_leaves_the_engine_as_it_was():
    import _thread
    import threading

    engine = Engine(max_tuples=None)
    engine.load_text(BASE, name="base.dl")
    before = snapshot(engine)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            engine.load_text("p(X + 1) :- p(X).", name="runaway.dl")  # runs until interrupted
    finally:
        timer.cancel()
    assert snapshot(engine) == before
    assert engine.query("p(X)") == [{"X": 0}]
    engine.load_text("p(X + 1) :- p(X), X < 3.")  # and it still works
    assert engine.size("p") == 4
