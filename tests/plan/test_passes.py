"""The plan of a rule after each pass, against fixture files (in the manner of sqlglot's optimizer
fixtures): a change of join order, index choice or rewrite shows as a readable diff.

`fixtures/<stage>.txt` holds cases separated by blank lines: the rule on the first line (with
` @delta N` to plan the variant that reads body atom N from the delta), then the steps it should
plan, one per line, indented by nesting (`RulePlan.describe()`). Each stage runs `schedule` and
the passes up to and including its own (`reasoner.plan.PASSES`); the rules read the relations of
`fixtures/schema.dl`. `REASONER_UPDATE_FIXTURES=1` rewrites the expected steps (review the diff).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reasoner import ast
from reasoner.analysis import analyse
from reasoner.plan import PASSES, SORTED_INDEXES, PlanOptions, plan_body
from reasoner.plan.ir import Emit, render
from reasoner.program import Program
from reasoner.source import SourceText
from reasoner.syntax import parse_program

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = (FIXTURES / "schema.dl").read_text(encoding="utf-8")
# stage -> how many of PASSES it runs
STAGES = {"schedule": 0, "ranges": 1, "indexes": 2, "aggregates": 3}
_DELTA = re.compile(r"\s+@delta\s+(\d+)\s*$")


def _cases(stage: str) -> list[tuple[str, list[str]]]:
    text = (FIXTURES / f"{stage}.txt").read_text(encoding="utf-8")
    cases = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
        if lines:
            cases.append((lines[0], lines[1:]))
    return cases


def plan_text(rule_line: str, passes: int) -> list[str]:
    """The steps of the rule on `rule_line` after `schedule` and the first `passes` passes."""
    match = _DELTA.search(rule_line)
    delta = int(match.group(1)) - 1 if match else None
    rule_text = _DELTA.sub("", rule_line)
    program = Program().extend(parse_program(SourceText("fixture.dl", SCHEMA + rule_text + "\n")))
    analysis = analyse(program)
    (rule,) = program.rules
    if delta is not None:
        delta = [i for i, lit in enumerate(rule.body) if isinstance(lit, ast.Atom)][delta]
    options = PlanOptions(analysis.schemas, analysis.variable_types[id(rule)], sorted_indexes=SORTED_INDEXES)
    steps = plan_body(rule.body, set(), delta, options, PASSES[:passes],
                      emit=Emit(rule.head.args, rule.head.relation))
    return render(steps)


@pytest.mark.parametrize("stage", list(STAGES))
def test_the_plan_after_each_pass(stage: str) -> None:
    cases = _cases(stage)
    assert cases, f"no cases in {stage}.txt"
    got = [(rule, plan_text(rule, STAGES[stage])) for rule, _ in cases]
    if os.environ.get("REASONER_UPDATE_FIXTURES"):
        path = FIXTURES / f"{stage}.txt"
        header = [line for line in path.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
                  if line.startswith("#")]
        blocks = ["\n".join(header)] + ["\n".join([rule, *steps]) for rule, steps in got]
        path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    expected = "\n\n".join("\n".join([rule, *steps]) for rule, steps in cases)
    assert "\n\n".join("\n".join([rule, *steps]) for rule, steps in got) == expected


def test_every_pass_has_a_fixture_file() -> None:
    assert len(STAGES) == len(PASSES) + 1
    assert {p.name[:-4] for p in FIXTURES.glob("*.txt")} == set(STAGES)
