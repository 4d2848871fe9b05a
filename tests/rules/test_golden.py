"""Golden tests of the rule library on small hand-made event sets.

Each folder of `golden/` is one case for one rule file, named `<rule file>_<case>` (so
`time_allen` runs `rules/time.dl`):

    input.events     the events (with the actors they need)
    queries          one goal per line (blank lines and lines starting with `#` are skipped)
    expected         for each goal, `?- goal.` and then one line per answer, `Var = value, ...`,
                     or `  (no answers)`

The rule file is loaded alone, so the test also checks that it does not depend on the others.
`REASONER_UPDATE_GOLDEN=1 pytest tests/rules/test_golden.py` rewrites `expected` from the current
answers; read every change before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.resources import data_dir

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.events").is_file())
UPDATE = os.environ.get("REASONER_UPDATE_GOLDEN") == "1"
RULE_FILES = ("time", "escalation", "talks", "deadlines", "hostility", "responses", "base", "fluents",
              "sources")


def _value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def render_answers(engine: Engine, goals: list[str]) -> str:
    lines = []
    for goal in goals:
        lines.append(f"?- {goal}.")
        answers = engine.query(goal)
        if not answers:
            lines.append("  (no answers)")
        for answer in answers:
            lines.append("  " + (", ".join(f"{k} = {_value(v)}" for k, v in answer.items()) or "true"))
    return "\n".join(lines) + "\n"


def run_case(folder: Path) -> str:
    rule_file = folder.name.split("_", 1)[0]
    assert rule_file in RULE_FILES, f"{folder.name}: name it <rule file>_<case>"
    engine = Engine()
    engine.load(data_dir("rules") / f"{rule_file}.dl", folder / "input.events")
    extra = folder / "extra.dl"
    if extra.is_file():
        engine.load(extra)
    goals = [line.strip().rstrip(".") for line in (folder / "queries").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return render_answers(engine, goals)


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    actual = run_case(folder)
    expected = folder / "expected"
    if UPDATE:
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"{case}: no expected file (run with REASONER_UPDATE_GOLDEN=1)"
    assert actual == expected.read_text(encoding="utf-8")


def test_every_rule_file_has_golden_cases() -> None:
    for rule_file in RULE_FILES:
        assert sum(c.startswith(rule_file + "_") for c in CASES) >= 2, rule_file
