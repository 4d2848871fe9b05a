"""Golden tests of the rule language: what a user of `reasoner run` sees, byte for byte.

Each folder of `tests/golden/` is one case:

    program.dl        the program, run as `reasoner run program.dl -F facts -D <tmp>` from
                      inside the folder (so diagnostics read `program.dl:LINE:COL`)
    facts/            optional input fact files (`<rel>.facts`, tab-separated)
    args              optional: the arguments after `program.dl`, replacing `-F facts -D {out}`
                      (`{out}` stands for the temporary output directory)
    expected/         the output files the run must write, and no others
    expected.stdout   what the run prints on stdout (absent: nothing)
    expected.stderr   the diagnostics (absent: none)
    expected.status   the exit status when it is not 0

`REASONER_UPDATE_GOLDEN=1 pytest tests/test_golden.py` rewrites the expectations from the
current behaviour; read every changed file before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reasoner.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "program.dl").is_file())
UPDATE = os.environ.get("REASONER_UPDATE_GOLDEN") == "1"


def _arguments(case: Path, out: Path) -> list[str]:
    args_file = case / "args"
    if args_file.is_file():
        args = args_file.read_text(encoding="utf-8").split()
    else:
        args = ["-F", "facts", "-D", "{out}"]
    return ["run", "program.dl", *(a.replace("{out}", str(out)) for a in args)]


def _files(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _write_or_remove(path: Path, text: str) -> None:
    if text:
        path.write_text(text, encoding="utf-8", newline="")
    elif path.exists():
        path.unlink()


def _update(case: Path, status: int, stdout: str, stderr: str, outputs: dict[str, bytes]) -> None:
    expected = case / "expected"
    if expected.exists():
        shutil.rmtree(expected)
    for name, content in outputs.items():
        target = expected / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    _write_or_remove(case / "expected.stdout", stdout)
    _write_or_remove(case / "expected.stderr", stderr)
    _write_or_remove(case / "expected.status", f"{status}\n" if status else "")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> None:
    case = GOLDEN / name
    out = tmp_path / "out"
    monkeypatch.chdir(case)
    status = main(_arguments(case, out))
    captured = capsys.readouterr()
    outputs = _files(out)

    if UPDATE:
        _update(case, status, captured.out, captured.err, outputs)
        return

    expected_status = int(_read(case / "expected.status").strip() or 0)
    assert captured.err == _read(case / "expected.stderr"), "stderr differs"
    assert captured.out == _read(case / "expected.stdout"), "stdout differs"
    assert status == expected_status, "exit status differs"
    expected_outputs = _files(case / "expected")
    assert sorted(outputs) == sorted(expected_outputs), "the set of output files differs"
    for file_name, content in expected_outputs.items():
        assert outputs[file_name] == content, f"output file {file_name} differs"


def test_cases_are_present() -> None:
    assert len(CASES) >= 70
