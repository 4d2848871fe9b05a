"""Golden tests of explanations: what a user of `reasoner explain` sees, byte for byte.

Each folder of `tests/explain/cases/` is one case, run from inside the folder:

    args              the arguments after `reasoner explain`, split as a shell would
                      (e.g. `tc.dl --why 'path(1, 5)' --format json`); the shipped rules and
                      corpus are named by relative paths (`../../../../rules`), not copied
    *.dl, *.events    the case's own input files, if any
    expected.stdout   what the run prints on stdout (absent: nothing)
    expected.stderr   the diagnostics (absent: none)
    expected.status   the exit status when it is not 0

The shipped verb table is cited by its absolute path, which depends on the checkout: it is
written `<rules>/verbs.facts` in the expectations.

`REASONER_UPDATE_GOLDEN=1 pytest tests/explain` rewrites the expectations from the current
behaviour; read every changed file before committing it.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from reasoner.cli import main
from reasoner.resources import data_dir

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "args").is_file())
UPDATE = os.environ.get("REASONER_UPDATE_GOLDEN") == "1"


def _stable(text: str) -> str:
    return text.replace(str(data_dir("rules")), "<rules>")


def _write_or_remove(path: Path, text: str) -> None:
    if text:
        path.write_text(text, encoding="utf-8", newline="")
    elif path.exists():
        path.unlink()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@pytest.mark.parametrize("name", CASES)
def test_explain_case(name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES_DIR / name
    monkeypatch.chdir(case)
    status = main(["explain", *shlex.split(_read(case / "args"))])
    captured = capsys.readouterr()
    stdout, stderr = _stable(captured.out), _stable(captured.err)
    if UPDATE:
        _write_or_remove(case / "expected.stdout", stdout)
        _write_or_remove(case / "expected.stderr", stderr)
        _write_or_remove(case / "expected.status", f"{status}\n" if status else "")
        return
    assert stderr == _read(case / "expected.stderr"), "stderr differs"
    assert stdout == _read(case / "expected.stdout"), "stdout differs"
    assert status == int(_read(case / "expected.status").strip() or 0), "exit status differs"


def test_cases_are_present() -> None:
    assert len(CASES) >= 12
