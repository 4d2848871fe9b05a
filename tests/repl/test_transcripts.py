"""Golden REPL transcripts: what a user of `reasoner repl < input` sees, byte for byte.

Each folder of `tests/repl/cases/` is one case, run in-process through the non-interactive
path (`reasoner repl ARGS < input`) from a temporary copy of the folder, next to a copy of
`tests/repl/fixtures/` (so paths in messages read `../fixtures/world.events`):

    input            the script: REPL input, as typed
    expected         everything printed (stdout and stderr): each input echoed after the
                     prompt, then its answer
    args             optional: the arguments after `repl` (default: `--no-defaults
                     ../fixtures/world.events ../fixtures/rules.dl`, a small frozen world)
    expected.status  the exit status when it is not 0

`REASONER_UPDATE_GOLDEN=1 pytest tests/repl` rewrites the expectations from the current
behaviour; read every changed file before committing it.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

import pytest

from reasoner.cli import main

HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if (p / "input").is_file())
DEFAULT_ARGS = "--no-defaults ../fixtures/world.events ../fixtures/rules.dl"
UPDATE = os.environ.get("REASONER_UPDATE_GOLDEN") == "1"


def run_case(case: Path, work: Path, monkeypatch) -> tuple[int, str]:
    shutil.copytree(HERE / "fixtures", work / "fixtures")
    shutil.copytree(case, work / "case")
    monkeypatch.chdir(work / "case")
    args_file = case / "args"
    args = (args_file.read_text(encoding="utf-8") if args_file.is_file() else DEFAULT_ARGS).split()
    stdin = io.StringIO((case / "input").read_text(encoding="utf-8"))
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stdout)
    status = main(["repl", *args])
    return status, stdout.getvalue()


@pytest.mark.parametrize("name", CASES)
def test_transcript(name, tmp_path, monkeypatch):
    case = HERE / "cases" / name
    status, output = run_case(case, tmp_path, monkeypatch)
    status_file = case / "expected.status"
    if UPDATE:
        (case / "expected").write_text(output, encoding="utf-8", newline="")
        if status:
            status_file.write_text(f"{status}\n", encoding="utf-8")
        elif status_file.exists():
            status_file.unlink()
        return
    expected = (case / "expected").read_text(encoding="utf-8")
    assert output == expected
    expected_status = int(status_file.read_text()) if status_file.is_file() else 0
    assert status == expected_status
