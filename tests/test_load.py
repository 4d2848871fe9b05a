"""The load pipeline (`reasoner.load`) as its two users see it: `Engine.load` stops at the first
stage that fails and changes nothing; `reasoner check` runs the same stages and reports what
every stage finds, each problem at its file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner import CheckError, Engine, LoadError
from reasoner.cli import main

UNKNOWN_ACTORS = "event e1 2025-11-01 RUS criticize ZZZ\n"  # no actor declared: lowering fails
RULES_ON_EVENTS = """\
.decl hostile(a: symbol)
hostile(A) :- event(_, _, _, A, _, _).
hostile(A) :- nowhere(A).
"""
NO_FULL_STOP = ".decl p(x: number)\np(X) :- q(X)\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {"events": tmp_path / "bad.events", "rules": tmp_path / "rules.dl", "broken": tmp_path / "broken.dl"}
    made["events"].write_text(UNKNOWN_ACTORS, encoding="utf-8")
    made["rules"].write_text(RULES_ON_EVENTS, encoding="utf-8")
    made["broken"].write_text(NO_FULL_STOP, encoding="utf-8")
    return made


def test_check_reports_the_problems_of_every_stage_at_once(files, tmp_path, capsys):
    missing = tmp_path / "missing.dl"
    assert main(["check", str(files["events"]), str(files["rules"]), str(files["broken"]), str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"error: no such file: {missing}" in err  # reading
    assert f"{files['events']}:1:21: error: unknown actor `RUS`" in err  # lowering the events
    assert f"{files['events']}:1:35: error: unknown actor `ZZZ`" in err
    assert f"{files['broken']}:2:13: error: unexpected end of rule text: expected `.`" in err  # parsing
    # the analysis of the rules that parsed, against the event schema although the events failed
    assert f"{files['rules']}:3:15: warning: relation `nowhere` is not defined" in err
    assert "relation `event`" not in err


def test_load_stops_at_the_first_failing_stage_and_changes_nothing(files):
    engine = Engine()
    engine.load_text(".decl kept(x: number)\nkept(1).\n")
    with pytest.raises(CheckError) as raised:
        engine.load(files["events"], files["rules"])
    assert [d.message for d in raised.value.diagnostics] == ["unknown actor `RUS`", "unknown actor `ZZZ`"]
    assert engine.relations() == {"kept": 1}
    with pytest.raises(LoadError, match="no such file"):
        engine.load(files["rules"], files["rules"].with_name("missing.dl"))
    assert engine.relations() == {"kept": 1}


def test_check_and_load_read_a_file_given_and_included_once(tmp_path, capsys):
    (tmp_path / "base.dl").write_text(".decl b(x: number)\nb(2).\n", encoding="utf-8")
    (tmp_path / "top.dl").write_text('#include "base.dl"\n.decl n(c: number)\nn(C) :- C = count : b(_).\n',
                                     encoding="utf-8")
    paths = [str(tmp_path / "top.dl"), str(tmp_path / "base.dl")]
    assert main(["check", *paths]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    engine = Engine()
    assert engine.load(*paths) == []
    assert engine.relation("n") == {(1,)}
    assert len(engine.program.clauses) == 2  # b(2). and the rule, once each
