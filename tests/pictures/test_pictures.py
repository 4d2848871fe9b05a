"""`reasoner plot` and `reasoner report`: the plotted data exactly, the files' structure, and the
report as a real headless browser shows it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.cli import main
from reasoner.pictures import data

pytest.importorskip("matplotlib")

EVENTS = """\
actor AAA "Alpha" is state
actor BBB "Beta" is state
    aka Betaland
actor CCC "Gamma" is state
source s1 "A report" outlet Wire published 2025-03-10 url "https://example.org/report?a=1&b=2"
event sanc 2025-02-01 AAA impose_sanctions BBB
    cite s1 "Alpha imposed sanctions"
event protest 2025-02-03 BBB criticize AAA
    cite s1 "Beta called it unfriendly"
event talks 2025-02..2025-02-20 AAA meet BBB
    cite s1 "talks were held in February"
event other 2025-02-05 CCC praise AAA
    cite s1 "Gamma praised Alpha"
deadline ult 2025-02-02 AAA to BBB
    demands BBB ceasefire _
    due +10d
    cite s1 "ten days"
precondition pre 2025-02-04 BBB
    goal BBB meet AAA
    requires AAA lift_sanctions BBB
    cite s1 "only after sanctions are lifted"
"""

RULES = """
.decl escalation_step(stimulus: symbol, response: symbol)
escalation_step("sanc", "protest").
.decl hostility(act: symbol, level: number)
hostility("sanc", -3). hostility("protest", -1).
.decl as_of(day: date)
as_of(2025-03-10).
.decl deadline_status(deadline: symbol, as_of: date, status: symbol)
deadline_status("ult", 2025-03-10, "lapsed").
.decl precondition_status(precondition: symbol, as_of: date, status: symbol)
precondition_status("pre", 2025-03-10, "unmet").
.decl dyad_month(actor: symbol, target: symbol, month: symbol, events: number, goldstein_sum: float, conflict_share: float)
dyad_month("AAA", "BBB", "2025-01", 2, -3.0, 0.5).
dyad_month("AAA", "BBB", "2025-02", 3, -9.0, 1.0).
dyad_month("BBB", "AAA", "2025-02", 1, -2.0, 1.0).
dyad_month("AAA", "CCC", "2025-02", 1, 1.0, 0.0).
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "story.events").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "facts.dl").write_text(RULES, encoding="utf-8")
    return tmp_path


@pytest.fixture
def engine(folder: Path) -> Engine:
    engine = Engine()
    engine.load(folder)
    return engine


def test_timeline_data_of_one_dyad(engine: Engine) -> None:
    timeline = data.timeline(engine, ("AAA", "BBB"))
    assert timeline.dyads == ("AAA → BBB", "BBB → AAA")
    assert [(m.id, m.dyad, m.start, m.end, m.level) for m in timeline.marks] == [
        ("sanc", "AAA → BBB", dt.date(2025, 2, 1), dt.date(2025, 2, 1), -3),
        ("talks", "AAA → BBB", dt.date(2025, 2, 1), dt.date(2025, 2, 20), 1),  # verb table: meet +1.0
        ("protest", "BBB → AAA", dt.date(2025, 2, 3), dt.date(2025, 2, 3), -1),
    ]
    assert [(a.stimulus, a.response) for a in timeline.arrows] == [("sanc", "protest")]
    assert [(d.id, d.start, d.end, d.status) for d in timeline.deadlines] == [
        ("ult", dt.date(2025, 2, 2), dt.date(2025, 2, 12), "lapsed")]
    assert [(p.id, p.start, p.end, p.status) for p in timeline.preconditions] == [
        ("pre", dt.date(2025, 2, 4), dt.date(2025, 3, 10), "unmet")]
    assert timeline.as_of == dt.date(2025, 3, 10)


def test_timeline_of_one_actor_keeps_its_dyads_only(engine: Engine) -> None:
    assert data.timeline(engine, ("CCC",)).dyads == ("CCC → AAA",)
    assert len(data.timeline(engine).marks) == 4


def test_trend_points_of_both_directions(engine: Engine) -> None:
    assert [(p.direction, p.month, p.events, p.goldstein_sum, p.conflict_share)
            for p in data.trend(engine, "BBB", "AAA")] == [
        ("AAA → BBB", "2025-01", 2, -3.0, 0.5),
        ("AAA → BBB", "2025-02", 3, -9.0, 1.0),
        ("BBB → AAA", "2025-02", 1, -2.0, 1.0),
    ]


def test_plot_writes_svg_and_png(folder: Path, tmp_path: Path, capsys) -> None:
    svg, png = tmp_path / "t.svg", tmp_path / "d.png"
    assert main(["plot", "timeline", "AAA", "Betaland", "-o", str(svg), "--no-defaults", "--load", str(folder)]) == 0
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text and "escalation steps" in text
    assert main(["plot", "dyad", "AAA", "BBB", "-o", str(png), "--no-defaults", "--load", str(folder)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("argv", "message"), [
    (["plot", "timeline", "ZZZ"], "no actor `ZZZ`"),
    (["plot", "dyad", "AAA"], "`plot dyad` takes two actors"),
    (["plot", "timeline", "-o", "x.gif"], "must end in .svg or .png"),
    (["plot", "timeline", "--as-of", "2025-13-01"], "--as-of 2025-13-01 is not a date"),
])
def test_plot_errors_are_one_line_and_status_2(folder: Path, tmp_path: Path, capsys, argv, message) -> None:
    if "-o" not in argv:
        argv = [*argv, "-o", str(tmp_path / "x.svg")]
    assert main([*argv, "--no-defaults", "--load", str(folder)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists()


def _report(folder: Path, tmp_path: Path) -> Path:
    page = tmp_path / "report.html"
    assert main(["report", "-o", str(page), "--no-defaults", "--load", str(folder), "--title", "Alpha and Beta"]) == 0
    return page


def test_report_is_one_self_contained_page(folder: Path, tmp_path: Path) -> None:
    html = _report(folder, tmp_path).read_text()
    for heading in ("Timeline", "Escalation sequences", "Deadlines", "Preconditions", "Sources"):
        assert f"<h2>{heading}</h2>" in html
    assert "<title>Alpha and Beta</title>" in html and "as of 2025-03-10" in html
    assert "<svg" in html and "<script" not in html and 'src="http' not in html
    assert '<td>ult</td>' in html and '<span class="status-lapsed">lapsed</span>' in html
    assert '<td>pre</td>' in html and "requires AAA lift_sanctions BBB" in html
    # each conclusion carries its proof, folded
    assert html.count("<details><summary>why</summary>") == 2
    assert "deadline_status(&quot;ult&quot;, 2025-03-10, &quot;lapsed&quot;)" in html
    # the sources link to where the articles can be read
    assert '<a href="https://example.org/report?a=1&amp;b=2">A report</a>' in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_report_in_a_headless_browser(folder: Path, tmp_path: Path) -> None:
    page = _report(folder, tmp_path)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "Escalation sequences" in dom and "lapsed" in dom and "<svg" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([_chromium(), *flags, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                   capture_output=True, timeout=120)
    from matplotlib import image

    pixels = image.imread(str(shot))
    assert pixels.shape[0] == 900 and pixels.shape[1] == 1200
    assert pixels.std() > 0.05  # not a blank page: text, tables and the picture
