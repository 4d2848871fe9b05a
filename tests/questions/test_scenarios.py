"""The catalogued questions on the two scenarios the rules were not written for
(tests/analysis/scenarios/, loaded with `rules` and --no-defaults): golden REPL transcripts in
the format of tests/repl/cases (`input`, `expected`; `args` after `repl`), run from the root of
the repository. `REASONER_UPDATE_GOLDEN=1` rewrites the expectations."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from reasoner.cli import main

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = sorted(p.name for p in (HERE / "scenarios").iterdir() if (p / "input").is_file())
UPDATE = os.environ.get("REASONER_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", CASES)
def test_scenario(name, monkeypatch):
    case = HERE / "scenarios" / name
    monkeypatch.chdir(ROOT)
    args = (case / "args").read_text(encoding="utf-8").split()
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO((case / "input").read_text(encoding="utf-8")))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", out)
    status = main(["repl", *args])
    if UPDATE:
        (case / "expected").write_text(out.getvalue(), encoding="utf-8", newline="")
        return
    assert out.getvalue() == (case / "expected").read_text(encoding="utf-8")
    assert status == 0
