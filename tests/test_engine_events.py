"""The Engine and the CLI on event statements: loading, atomicity, `reasoner check`."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from reasoner import CheckError, Engine, ParseError, ReasonerError
from reasoner.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def snapshot(engine: Engine) -> dict:
    return {name: engine.relation(name) for name in engine.relations()}


def test_corpus_loads_as_a_directory_and_as_a_glob():
    by_dir, by_glob = Engine(), Engine()
    by_dir.load(CORPUS)
    by_glob.load(str(CORPUS / "*.events"))
    assert snapshot(by_dir) == snapshot(by_glob)
    assert by_dir.size("event") >= 60
    assert by_dir.size("precondition") >= 6
    assert by_dir.size("deadline") >= 1


def test_event_facts_are_python_values():
    engine = Engine()
    engine.load(CORPUS)
    rows = engine.query('event("us_oil_sanctions", Start, End, Actor, Verb, Target)')
    assert rows == [{
        "Start": datetime.date(2025, 10, 22), "End": datetime.date(2025, 10, 22),
        "Actor": "USA", "Verb": "impose_sanctions", "Target": "RUS",
    }]


def test_rules_over_events_and_the_fifty_day_deadline():
    engine = Engine()
    engine.load(CORPUS)
    engine.load_text(
        ".decl due(id: symbol, due: date, days: number)\n"
        "due(I, D, days(S, D)) :- deadline(I, _, _, S, _, D, _, _, _).\n", name="due.dl")
    assert engine.query("due(I, D, N)") == [
        {"I": "trump_50_days", "D": datetime.date(2025, 9, 2), "N": 50}]


def test_event_statements_from_text_extend_the_loaded_corpus():
    engine = Engine()
    engine.load(CORPUS)
    engine.load_text('event extra 2025-11-01 RUS criticize USA\n    cite s000 "an unfriendly act"\n',
                     name="<repl>", kind="events")
    assert engine.query('event("extra", _, _, A, _, T)') == [{"A": "RUS", "T": "USA"}]


def test_a_bad_event_file_adds_nothing(tmp_path):
    engine = Engine()
    engine.load(CORPUS)
    before = snapshot(engine)
    bad = tmp_path / "bad.events"
    bad.write_text('event fine 2025-11-02 RUS meet USA\n'
                   'event broken 2025-02-30 RUS meet USA\n', encoding="utf-8")
    with pytest.raises(ReasonerError) as caught:
        engine.load(bad)
    message = str(caught.value)
    assert f"{bad}:2:" in message and "^" in message
    assert snapshot(engine) == before


def test_a_bad_rule_file_in_the_same_load_adds_no_events(tmp_path):
    engine = Engine()
    good = tmp_path / "a.events"
    good.write_text((CORPUS / "actors.events").read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "b.dl"
    bad.write_text("p(X) :- event(X, _, _, _, _).\n", encoding="utf-8")
    with pytest.raises(CheckError) as caught:
        engine.load(good, bad)
    assert "has 6 columns, but 5 arguments are given" in str(caught.value)
    assert engine.relations() == {}


def test_engines_do_not_share_event_ids():
    first, second = Engine(), Engine()
    first.load(CORPUS)
    with pytest.raises(ReasonerError):
        # `s000` and the actors are only known to the first engine.
        second.load_text('event x 2025-11-01 RUS criticize USA\n    cite s000 "q"\n', kind="events")
    assert second.relations() == {}


def test_check_command_reports_a_clean_corpus(capsys):
    args = ["check", str(CORPUS), "--articles"]  # the shipped articles
    assert main(args) == 0
    assert "0 errors" in capsys.readouterr().out


def test_check_command_reports_errors_with_positions(tmp_path, capsys):
    bad = tmp_path / "bad.dl"
    bad.write_text(".decl p(x: number)\np(X) :- q(X)\n", encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "expected `.`" in err


def test_syntax_error_in_events_is_a_parse_error():
    engine = Engine()
    with pytest.raises(ParseError):
        engine.load_text("event = = =\n", kind="events")
