"""`:plot` in the REPL draws what `reasoner plot` draws (issue 17)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.repl.session import Session
from reasoner.repl.table import command_table

pytest.importorskip("matplotlib")

EVENTS = """\
actor AAA "Alpha" is state
actor BBB "Beta" is state
    aka Betaland
source s1 "A report" outlet Wire published 2025-03-10
event sanc 2025-02-01 AAA impose_sanctions BBB
    cite s1 "Alpha imposed sanctions"
event protest 2025-02-03 BBB criticize AAA
    cite s1 "Beta called it unfriendly"
"""
RULES = """
.decl escalation_step(stimulus: symbol, response: symbol)
escalation_step("sanc", "protest").
.decl dyad_month(actor: symbol, target: symbol, month: symbol, events: number, goldstein_sum: float, conflict_share: float)
dyad_month("AAA", "BBB", "2025-02", 1, -8.0, 1.0).
dyad_month("BBB", "AAA", "2025-02", 1, -2.0, 1.0).
"""


def session() -> tuple[Session, io.StringIO]:
    def make() -> Engine:
        engine = Engine()
        engine.load_text(EVENTS, name="story.events", kind="events")
        engine.load_text(RULES, name="facts.dl")
        return engine

    out = io.StringIO()
    return Session(make, out=out, commands=command_table()), out


def test_plot_timeline_and_dyad(tmp_path: Path):
    repl, out = session()
    svg, png = tmp_path / "t.svg", tmp_path / "d.png"
    assert repl.handle(f":plot timeline AAA Betaland {svg}").ok
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "escalation steps" in text
    assert repl.handle(f":plot dyad AAA BBB {png}").ok
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.getvalue() == f"wrote {svg}\nwrote {png}\n"


@pytest.mark.parametrize(("line", "message"), [
    (":plot", "`:plot` needs `:plot timeline [ACTOR [ACTOR]] FILE.svg`"),
    (":plot timeline AAA x.gif", "ending in .svg or .png, not `x.gif`"),
    (":plot dyad AAA x.svg", "`:plot dyad` takes two actors"),
    (":plot timeline ZZZ x.svg", "no actor `ZZZ`"),
])
def test_plot_errors(tmp_path: Path, monkeypatch, line: str, message: str):
    monkeypatch.chdir(tmp_path)
    repl, out = session()
    assert not repl.handle(line).ok
    assert message in out.getvalue()
    assert not (tmp_path / "x.svg").exists()
