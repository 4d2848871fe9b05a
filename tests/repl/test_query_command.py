"""`reasoner query FILES... -q GOAL`: output formats and the exit status scripts rely on
(0: answers, 1: none, 2: an error)."""

from __future__ import annotations

import json
from pathlib import Path

from reasoner.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
FILES = ["--no-defaults", str(FIXTURES / "world.events"), str(FIXTURES / "rules.dl")]


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["query", *FILES, *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_table(capsys):
    status, out, err = run(capsys, "-q", "hostile(A, T, D)")
    assert status == 0 and err == ""
    assert out == ("A   | T   | D\n"
                   "----+-----+-----------\n"
                   "RUS | USA | 2025-10-26\n"
                   "USA | RUS | 2025-10-22\n"
                   "(2 rows)\n")


def test_csv_and_json(capsys):
    status, out, _ = run(capsys, "-q", '?- event(E, D, _, "RUS", V, "USA").', "--format", "csv")
    assert status == 0
    assert out == ("E,D,V\n"
                   "still_open,2025-10-20,express_intent_to_cooperate\n"
                   "unfriendly_act,2025-10-26,criticize\n")
    status, out, _ = run(capsys, "-q", "answered(R, S, L)", "--format", "json")
    assert status == 0
    assert json.loads(out) == [{"R": "unfriendly_act", "S": "oil_sanctions", "L": 4}]


def test_no_answers_is_status_1(capsys):
    status, out, err = run(capsys, "-q", 'actor(A, _, "group")')
    assert (status, out, err) == (1, "(no answers)\n", "")
    status, out, _ = run(capsys, "-q", 'actor(A, _, "group")', "--format", "json")
    assert (status, out) == (1, "[]\n")
    status, out, _ = run(capsys, "-q", 'actor("USA", _, _)')
    assert (status, out) == (0, "true\n")
    status, out, _ = run(capsys, "-q", 'actor("XXX", _, _)')
    assert (status, out) == (1, "false\n")


def test_errors_are_status_2(capsys, tmp_path):
    status, out, err = run(capsys, "-q", "actr(A, _, _)")
    assert status == 2 and out == ""
    assert "relation `actr` is not defined" in err and "did you mean `actor`?" in err
    status, out, err = run(capsys, "-q", "actor(A, ")
    assert status == 2 and "<query>:1:" in err
    bad = tmp_path / "bad.dl"
    bad.write_text("p(X) :- q(Y).\n")
    status, out, err = run(capsys, str(bad), "-q", "actor(A, _, _)")
    assert status == 2 and "not grounded" in err
