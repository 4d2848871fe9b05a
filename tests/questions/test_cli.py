"""`reasoner ask` and `reasoner brief` on the command line: answers, formats and exit statuses."""

from __future__ import annotations

import json

from reasoner.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_ask_by_name(capsys):
    status, out, err = run(capsys, "ask", "deadlines", "as", "of", "2025-08-09")
    assert status == 0
    assert out.startswith("1. As of 9 August 2025, United States' ultimatum to Russia of 14 July 2025")
    assert "is pending (trump_50_days)." in out
    assert "“Trump had previously given Moscow a 50-day deadline" in out


def test_ask_in_words_names_the_question_on_stderr(capsys):
    status, out, err = run(capsys, "ask", "who", "blocks", "talks", "between", "Washington", "and", "Moscow")
    assert status == 0
    assert err == "(question: blockers USA RUS)\n"
    assert "is blocked by United States" in out


def test_ask_json_keeps_rows_and_evidence(capsys):
    status, out, _ = run(capsys, "ask", "deadlines", "--as-of", "2025-08-09", "--format", "json")
    assert status == 0
    rows = json.loads(out)
    assert [(r["D"], r["Status"], r["AsOf"]) for r in rows] == [("trump_50_days", "pending", "2025-08-09")]
    assert rows[0]["evidence"][0]["source"] == "s001"


def test_ask_csv(capsys):
    status, out, _ = run(capsys, "ask", "threats", "USA", "RUS", "--format", "csv")
    assert status == 0
    assert out.splitlines()[0] == "n,question,A,B,T,I,To,From,Outcome,E,Made,answer,evidence"


def test_ask_empty_is_status_1(capsys):
    status, out, _ = run(capsys, "ask", "escalation", "RUS", "UKR")
    assert status == 1
    assert out == "No escalation step between Russia and Ukraine is recorded.\n"


def test_ask_errors_are_status_2_with_position(capsys):
    status, out, err = run(capsys, "ask", "blockers", "USA", "Moskow")
    assert status == 2 and out == ""
    assert err.startswith("<ask>:1:14: error: `blockers`: B must be an actor; no actor `Moskow`; did you mean `Moscow`?")
    status, _, err = run(capsys, "ask", "blokers", "USA", "RUS")
    assert status == 2 and "did you mean `blockers`?" in err


def test_ask_list(capsys):
    status, out, _ = run(capsys, "ask", "--list")
    assert status == 0 and "blockers A B [AsOf]" in out


def test_ask_on_a_scenario(capsys):
    status, out, _ = run(capsys, "ask", "blockers", "RUS", "USA", "--no-defaults", "--load", "rules",
                         "tests/analysis/scenarios/jeddah_energy_truce")
    assert status == 0
    assert "it would take United States to pause military aid, towards Ukraine" in out


def test_brief(capsys):
    status, out, _ = run(capsys, "brief", "Washington", "Moscow", "--as-of", "2025-08-09")
    assert status == 0
    assert out.startswith("Brief: United States and Russia, as of 9 August 2025\n== Escalation sequences\n")
    assert "us_further_actions" not in out  # a threat of October is not known on 9 August
