"""`reasoner report`: one self-contained HTML page an analyst can send to a colleague.

The page holds the timeline picture (inline SVG, when matplotlib is installed), then the
escalation sequences, the deadlines and the preconditions with their status as of the report
date, each conclusion with its proof folded under it (`<details>`) down to the article quotes,
and the sources with links to them. Nothing is fetched when the page is opened: no scripts, no
style sheets, no images from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import html

from reasoner.engine import Engine
from reasoner.errors import ReasonerError
from reasoner.explain.render import proof_text
from reasoner.explain.search import fact_text
from reasoner.pictures import data as picture_data
from reasoner.pictures.data import relation_rows

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ddd; padding: .25em .6em;
 text-align: left; vertical-align: top; } th { background: #f4f4f4; }
details pre { background: #fafafa; border: 1px solid #eee; padding: .6em; white-space: pre-wrap; font-size: .85em; }
.status-met, .status-held { color: #1a7f37; } .status-lapsed, .status-unmet, .status-regressed { color: #b2182b; }
.picture svg { max-width: 100%; height: auto; }
"""


def _esc(value: object) -> str:
    return html.escape(value.isoformat() if isinstance(value, dt.date) else str(value))


def _proof(engine: Engine, relation: str, row: tuple) -> str:
    """The proof of a fact, folded, or a note if it cannot be explained."""
    try:
        text = proof_text(engine.explain(fact_text(relation, row)))
    except ReasonerError as exc:
        text = f"(no proof: {exc})"
    return f"<details><summary>why</summary><pre>{_esc(text)}</pre></details>"


def _event_words(engine: Engine) -> dict[str, str]:
    """Each act or event id as 'date actor verb target'."""
    words: dict[str, str] = {}
    for row in relation_rows(engine, "act") | relation_rows(engine, "event"):
        event_id, start, end, actor, verb, target = row
        date = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
        words.setdefault(event_id, f"{date} {actor} {verb} {target}".strip())
    return words


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p><em>none</em></p>"
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sequences(engine: Engine) -> str:
    words = _event_words(engine)
    rows = []
    chains: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for first, last, stimulus, response in relation_rows(engine, "escalation_sequence_step"):
        chains.setdefault((first, last), []).append((stimulus, response))
    for first, last, steps in sorted(relation_rows(engine, "escalation_sequence")):
        chain = chains.get((first, last), [])
        described = "<br>".join(f"{_esc(words.get(s, s))} → {_esc(words.get(r, r))}" for s, r in sorted(chain))
        rows.append([_esc(first), _esc(last), _esc(steps), described,
                     _proof(engine, "escalation_sequence", (first, last, steps))])
    return _table(["first", "last", "steps", "steps with dates, actors and verbs", "proof"], rows)


def _status_cell(status: str) -> str:
    return f'<span class="status-{_esc(status)}">{_esc(status)}</span>'


def _deadlines(engine: Engine, as_of: dt.date | None) -> str:
    deadlines = {r[0]: r for r in relation_rows(engine, "deadline")}
    rows = []
    for deadline_id, day, status in sorted(relation_rows(engine, "deadline_status")):
        if day != as_of:
            continue
        info = deadlines.get(deadline_id)
        who = f"{info[1]} to {info[2]}: {info[6]} {info[7]} {info[8]}" if info else ""
        due = info[5] if info else ""
        rows.append([_esc(deadline_id), _esc(who.replace(" _", "")), _esc(due), _status_cell(status),
                     _proof(engine, "deadline_status", (deadline_id, day, status))])
    return _table(["deadline", "demand", "due", "status", "proof"], rows)


def _preconditions(engine: Engine, as_of: dt.date | None) -> str:
    info = {r[0]: r for r in relation_rows(engine, "precondition")}
    rows = []
    for pre_id, day, status in sorted(relation_rows(engine, "precondition_status")):
        if day != as_of or pre_id not in info:
            continue
        _id, side, start, _end, ga, gv, gt, kind, ra, rv, rt = info[pre_id]
        goal = f"{ga} {gv} {gt}".replace(" _", "")
        requirement = f"{kind} {ra} {rv} {rt}".replace(" _", "")
        rows.append([_esc(pre_id), _esc(side), _esc(start), _esc(goal), _esc(requirement),
                     _status_cell(status), _proof(engine, "precondition_status", (pre_id, day, status))])
    return _table(["precondition", "side", "stated", "goal", "requirement", "status", "proof"], rows)


def _sources(engine: Engine) -> str:
    urls = dict(relation_rows(engine, "source_url"))
    rows = []
    for source_id, title, outlet, published, _end, _file in sorted(relation_rows(engine, "source")):
        link = urls.get(source_id)
        shown = f'<a href="{_esc(link)}">{_esc(title)}</a>' if link else _esc(title)
        rows.append([_esc(source_id), shown, _esc(outlet), _esc(published)])
    return _table(["id", "title", "outlet", "published"], rows)


def _picture(engine: Engine) -> str:
    from reasoner.pictures import draw

    try:
        figure = draw.timeline_figure(picture_data.timeline(engine))
        return f'<div class="picture">{draw.svg_text(figure)}</div>'
    except draw.PictureError as exc:
        return f"<p><em>no timeline picture: {_esc(exc)}</em></p>"


def report_html(engine: Engine, title: str = "Analysis report") -> str:
    """The whole report page for an evaluated engine."""
    as_of = picture_data.as_of(engine)
    stamp = f"as of {as_of.isoformat()}" if as_of else "no report date"
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_esc(title)}</h1><p>{_esc(stamp)}; every conclusion has its proof under “why”.</p>",
        "<h2>Timeline</h2>", _picture(engine),
        "<h2>Escalation sequences</h2>", _sequences(engine),
        "<h2>Deadlines</h2>", _deadlines(engine, as_of),
        "<h2>Preconditions</h2>", _preconditions(engine, as_of),
        "<h2>Sources</h2>", _sources(engine),
        "</body></html>",
    ])
