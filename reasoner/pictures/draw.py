"""Drawing the pictures of `data.py` with matplotlib (the `plot` extra), to SVG or PNG.

matplotlib is imported only here, with its non-interactive Agg backend, so a headless machine
draws as well as a desktop.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from reasoner.pictures.data import Timeline, TrendPoint

# Hostility level -> colour: reds for conflict (darker = material), greys for neutral comment,
# blues for cooperation.
COLOURS = {-3: "#b2182b", -2: "#d6604d", -1: "#f4a582", 0: "#9e9e9e", 1: "#92c5de", 2: "#2166ac"}
LEVEL_NAMES = {-3: "material conflict", -2: "threat", -1: "verbal conflict", 0: "neutral comment",
               1: "verbal cooperation", 2: "material cooperation"}
FORMATS = ("svg", "png")


class PictureError(Exception):
    """A picture that cannot be drawn (no matplotlib, an unknown format, nothing to show)."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise PictureError("matplotlib is not installed (pip install 'reasoner-events[plot]')") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def _middle(start: dt.date, end: dt.date) -> dt.date:
    return start + (end - start) / 2


def timeline_figure(data: Timeline):
    """A matplotlib figure of a timeline."""
    if not data.marks and not data.deadlines and not data.preconditions:
        raise PictureError("nothing to draw: no acts, deadlines or preconditions match")
    pyplot = _pyplot()
    rows = list(data.dyads) + [f"deadline {d.id}" for d in data.deadlines] + \
        [f"precondition {p.id}" for p in data.preconditions]
    y = {name: i for i, name in enumerate(reversed(rows))}
    figure, axes = pyplot.subplots(figsize=(12, max(3.0, 0.35 * len(rows) + 1.5)))
    where = {}
    for mark in data.marks:
        row, colour = y[mark.dyad], COLOURS.get(mark.level, COLOURS[0])
        if mark.start != mark.end:
            axes.plot([mark.start, mark.end], [row, row], color=colour, linewidth=4, alpha=0.5,
                      solid_capstyle="butt")
        middle = _middle(mark.start, mark.end)
        axes.scatter([middle], [row], color=colour, s=36, zorder=3, edgecolors="black", linewidths=0.4)
        where[mark.id] = (middle, row)
    for arrow in data.arrows:
        (x0, y0), (x1, y1) = where[arrow.stimulus], where[arrow.response]
        axes.annotate("", xy=(x1, y1), xytext=(x0, y0),
                      arrowprops={"arrowstyle": "->", "color": COLOURS[-3], "linewidth": 1.2})
    for span in data.deadlines:
        row = y[f"deadline {span.id}"]
        axes.plot([span.start, span.end], [row, row], color="black", linewidth=1.5)
        axes.scatter([span.end], [row], marker="|", s=200, color="black")
        axes.text(span.end, row + 0.2, f" due {span.end.isoformat()} {span.status}", fontsize=7)
    for span in data.preconditions:
        row = y[f"precondition {span.id}"]
        axes.plot([span.start, span.end], [row, row], color="#5e3c99", linewidth=3, alpha=0.6)
        axes.text(span.start, row + 0.2, f" {span.status}", fontsize=7)
    if data.as_of:
        axes.axvline(data.as_of, color="grey", linestyle=":", linewidth=1)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(list(reversed(rows)), fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    handles = [axes.scatter([], [], color=c, label=LEVEL_NAMES[level]) for level, c in sorted(COLOURS.items())]
    axes.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.set_title("Acts by dyad, coloured by hostility; arrows are escalation steps", fontsize=10)
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def trend_figure(points: tuple[TrendPoint, ...], a: str, b: str):
    """Monthly Goldstein sums (bars) and conflict shares (lines) of both directions of a dyad."""
    if not points:
        raise PictureError(f"no monthly figures for {a} and {b}")
    pyplot = _pyplot()
    months = sorted({p.month for p in points})
    directions = sorted({p.direction for p in points})
    figure, (sums, shares) = pyplot.subplots(2, 1, figsize=(10, 6), sharex=True)
    width = 0.8 / len(directions)
    for i, direction in enumerate(directions):
        by_month = {p.month: p for p in points if p.direction == direction}
        xs = [m + (i - (len(directions) - 1) / 2) * width for m in range(len(months))]
        sums.bar(xs, [by_month[m].goldstein_sum if m in by_month else 0 for m in months], width,
                 label=direction)
        shares.plot(range(len(months)), [by_month[m].conflict_share if m in by_month else None for m in months],
                    marker="o", label=direction)
    sums.axhline(0, color="black", linewidth=0.6)
    sums.set_ylabel("Goldstein sum")
    shares.set_ylabel("conflict share")
    shares.set_ylim(-0.05, 1.05)
    shares.set_xticks(range(len(months)))
    shares.set_xticklabels(months, rotation=45, fontsize=8)
    sums.legend(fontsize=8)
    sums.set_title(f"{a} and {b}: monthly trend", fontsize=10)
    figure.tight_layout()
    return figure


def save(figure, path: Path) -> None:
    """Write a figure to `path` (.svg or .png) whole or not at all."""
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise PictureError(f"cannot draw to `{path.name}`: the file must end in .svg or .png")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    _pyplot().close(figure)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(buffer.getvalue())
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise PictureError(f"cannot write {path}: {exc.strerror}") from None


def svg_text(figure) -> str:
    """A figure as SVG text (for embedding in an HTML page)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    _pyplot().close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]
