"""Proofs and messages name a shipped file from the data root: `rules/deadlines.dl:133`, not
`/…/site-packages/reasoner/_data/rules/deadlines.dl:133` (issue 17)."""

from __future__ import annotations

from reasoner import resources
from reasoner.cli import main


def test_installed_data_root(tmp_path, monkeypatch):
    shipped = tmp_path / "site-packages" / "reasoner" / "_data"
    monkeypatch.setattr(resources, "data_dir", lambda kind: shipped / kind)
    resources._shipped_folders.cache_clear()
    try:
        assert resources.display_path(str(shipped / "rules" / "deadlines.dl")) == "rules/deadlines.dl"
        assert resources.display_path(str(shipped / "corpus" / "a.events")) == "corpus/a.events"
        assert resources.display_path("mine/rules.dl") == "mine/rules.dl"
        assert resources.display_path(str(tmp_path / "other.dl")) == str(tmp_path / "other.dl")
        assert resources.display_path(str(shipped / "elsewhere.dl")) == str(shipped / "elsewhere.dl")
    finally:
        resources._shipped_folders.cache_clear()


def test_proof_of_the_shipped_files_names_them_from_the_data_root(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anywhere: the shipped files are loaded by their full path
    status = main(["explain", "--why", 'deadline_lapsed("trump_50_days", 2025-10-27)', "--depth", "3"])
    out = capsys.readouterr().out
    assert status == 0
    assert "(rules/deadlines.dl:133)" in out
    assert "deadline statement trump_50_days, corpus/001_kremlin_talks_continue.events:12" in out
    assert str(resources.data_dir("rules")) not in out


def test_an_installed_layout_from_another_directory(tmp_path, monkeypatch, capsys):
    """The shipped files under `site-packages/reasoner/_data/`, the command run elsewhere:
    `rules corpus` name them, and the proof names them from the data root."""
    import shutil

    shipped = tmp_path / "site-packages" / "reasoner" / "_data"
    for kind in ("rules", "corpus"):
        shutil.copytree(resources.data_dir(kind), shipped / kind)
    monkeypatch.setattr(resources, "data_dir", lambda kind: shipped / kind)
    resources._shipped_folders.cache_clear()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    try:
        status = main(["explain", "rules", "corpus", "--why", 'deadline_lapsed("trump_50_days", 2025-10-27)',
                       "--depth", "3"])
    finally:
        resources._shipped_folders.cache_clear()
    out = capsys.readouterr().out
    assert status == 0
    assert "(rules/deadlines.dl:" in out
    assert "corpus/001_kremlin_talks_continue.events:12" in out
    assert "_data" not in out and "site-packages" not in out
