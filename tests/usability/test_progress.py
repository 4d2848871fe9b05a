"""Long work is visible (issue 17): the `reasoner` logger's timings (`reasoner -v`) and a
progress line on a terminal for evaluations longer than a second, never in piped output."""

from __future__ import annotations

import io

from reasoner import Engine, progress
from reasoner.cli import main

PROGRAM = """
.decl edge(a: number, b: number)
.decl path(a: number, b: number)
edge(1, 2). edge(2, 3). edge(3, 4).
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


class Clock:
    """A clock that moves half a second at each reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.5
        return self.now


def test_the_progress_line_shows_after_a_second_and_is_erased():
    stream = io.StringIO()
    watch = progress.EvaluationWatch("evaluating", stream, clock=Clock())  # started at 0.5 s
    clock = watch.clock
    clock.now = 0.0  # the first stratum starts before a second has passed: nothing drawn
    watch.stratum(1, 2, ["path"])
    assert stream.getvalue() == ""
    watch.round(0, 3)
    watch.round(1, 2)
    watch.stratum(2, 2, ["reach", "cut"])
    watch.end()
    text = stream.getvalue()
    assert "\rreasoner: evaluating stratum 1/2 (path), round 1, 5 tuples so far," in text.replace("\x1b[K", "")
    assert "stratum 2/2 (cut, reach)" in text
    assert text.endswith("\r\x1b[K")  # erased


def test_an_engine_draws_on_its_progress_stream(monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    stream = io.StringIO()
    engine = Engine(progress=stream)
    engine.load_text(PROGRAM, name="p.dl")
    assert "reasoner: evaluating stratum 1/1 (path), round " in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[K")
    silent = io.StringIO()
    Engine().load_text(PROGRAM, name="p.dl")  # no stream: no line
    assert silent.getvalue() == ""


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.0)
    program = tmp_path / "p.dl"
    program.write_text(PROGRAM, encoding="utf-8")
    assert main(["query", "--no-defaults", str(program), "-q", "path(1, X)"]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.err and "\r" not in captured.out


def test_verbose_logs_loading_strata_and_evaluations(tmp_path, capsys):
    program = tmp_path / "p.dl"
    program.write_text(PROGRAM, encoding="utf-8")
    assert main(["-v", "query", "--no-defaults", str(program), "-q", "path(1, X)"]) == 0
    err = capsys.readouterr().err
    assert "reasoner: read 1 file in " in err
    assert "reasoner: stratum 1/1 (path): " in err and " 6 tuples" in err
    assert "reasoner: evaluated in " in err and "reasoner: loaded " in err
    assert main(["query", "--no-defaults", str(program), "-q", "path(1, X)"]) == 0
    assert capsys.readouterr().err == ""  # -v lasts one command
