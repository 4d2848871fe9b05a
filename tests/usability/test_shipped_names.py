"""`reasoner explain rules corpus ...` works from any directory: `rules` and `corpus` name the
shipped folders when there is no such path here (issue 17)."""

from __future__ import annotations

from reasoner.cli import main

FACT = 'deadline_lapsed("trump_50_days", 2025-10-27)'


def test_rules_and_corpus_from_another_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["explain", "rules", "corpus", "--why", FACT, "--depth", "1"]) == 0
    assert "(rules/deadlines.dl:" in capsys.readouterr().out
    assert main(["query", "--no-defaults", "rules/", "corpus", "-q", "deadline_status(D, _, S)",
                 "--format", "csv"]) == 0
    assert "trump_50_days" in capsys.readouterr().out


def test_a_folder_of_that_name_wins(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.dl").write_text(".decl mine(x: number)\nmine(7).\n", encoding="utf-8")
    assert main(["query", "--no-defaults", "rules", "-q", "mine(X)", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "X\n7\n"
