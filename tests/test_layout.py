"""The README's "Project layout" names every package and top-level module of reasoner/, each on
a line of its own that says what it holds, and nothing that is not there (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^(reasoner/\S+)\s+\S")  # `reasoner/NAME  what it holds`


def layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Project layout\n", 1)[1]
    return section.split("```", 2)[1]


def named_in_layout(block: str) -> list[str]:
    return [m.group(1) for line in block.splitlines() if (m := ENTRY.match(line))]


def packages_and_modules() -> set[str]:
    reasoner = ROOT / "reasoner"
    found = {f"reasoner/{p.name}" for p in reasoner.glob("*.py") if p.name != "__init__.py"}
    return found | {f"reasoner/{p.parent.name}/" for p in reasoner.glob("*/__init__.py")}


def test_every_package_and_module_is_named_once_and_nothing_else() -> None:
    named = named_in_layout(layout_block())
    assert sorted(packages_and_modules() - set(named)) == []  # add a line for each
    assert sorted(set(named) - packages_and_modules()) == []  # gone: remove its line
    assert sorted({n for n in named if named.count(n) > 1}) == []


def test_an_unnamed_module_is_noticed() -> None:
    block = layout_block().replace("\nreasoner/suggest.py", "\n#reasoner/suggest.py")
    assert "reasoner/suggest.py" in packages_and_modules() - set(named_in_layout(block))
