"""Golden tests: each folder of golden/ holds `input.events` and what the user sees for it.

`expected.facts` is the rendering of the lowered facts (`render_facts`, without the vocabulary)
followed by the warnings; `expected.stderr` the rendered diagnostics of a file that fails.
Set REASONER_REGEN_GOLDEN=1 to rewrite the expected files from the current output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reasoner.errors import ReasonerError
from reasoner.events import lower, parse_events, render_facts
from reasoner.events.parser import read_raw_statements
from reasoner.source import SourceText

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.events").is_file())


def run_case(folder: Path) -> tuple[str, str]:
    """(name of the expected file, its text) for one golden folder."""
    source = SourceText("input.events", (folder / "input.events").read_text(encoding="utf-8"))
    try:
        result = lower([parse_events(source)])
    except ReasonerError as problem:
        return "expected.stderr", problem.render() + "\n"
    text = render_facts(result.facts)
    if result.warnings:
        text += "".join(f"# {line}\n" for w in result.warnings for line in w.render().splitlines())
    return "expected.facts", text


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    name, actual = run_case(folder)
    expected_path = folder / name
    if os.environ.get("REASONER_REGEN_GOLDEN"):
        for stale in ("expected.facts", "expected.stderr"):
            (folder / stale).unlink(missing_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.is_file(), f"{case}: no {name} (run with REASONER_REGEN_GOLDEN=1)"
    assert actual == expected_path.read_text(encoding="utf-8")
    assert case.startswith("error_") == (name == "expected.stderr")


@pytest.mark.parametrize("case", CASES)
def test_fast_reader_agrees_with_lark(case: str) -> None:
    source = SourceText("input.events", (GOLDEN / case / "input.events").read_text(encoding="utf-8"))
    fast_problems: list = []
    lark_problems: list = []
    fast = read_raw_statements(source, fast_problems)
    slow = read_raw_statements(source, lark_problems, fast=False)
    assert [d.render() for d in fast_problems] == [d.render() for d in lark_problems]
    assert fast == slow
