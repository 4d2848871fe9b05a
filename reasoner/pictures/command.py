"""The `reasoner plot` and `reasoner report` commands (added to the CLI by `add_commands`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reasoner.engine import Engine
from reasoner.errors import ReasonerError


def add_commands(commands, add_limit_options) -> None:
    """The two commands; their input and limit options are the CLI's `add_input_options`."""
    from reasoner.cli import add_input_options

    plot = commands.add_parser(
        "plot", help="draw a timeline or a dyad's monthly trend to an SVG or PNG file",
        description="Draw the acts of the shipped rules and corpus plus FILES (exit status 0 when "
                    "drawn, 2 on an error). `timeline [ACTOR [ACTOR]]`: acts by dyad on a time "
                    "axis, coloured by hostility, escalation steps as arrows, deadlines and "
                    "preconditions; `dyad A B`: the monthly Goldstein sum and conflict share of "
                    "both directions. Actors are ids or aliases.")
    plot.add_argument("picture", choices=["timeline", "dyad"])
    plot.add_argument("actors", nargs="*", metavar="ACTOR")
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.svg or FILE.png")
    add_input_options(plot, "report as of this date (adds as_of_setting)")
    plot.set_defaults(handler=_plot)

    report = commands.add_parser(
        "report", help="write a self-contained HTML report (timeline, sequences, deadlines, preconditions, proofs)",
        description="One HTML page of the shipped rules and corpus plus FILES: the timeline, "
                    "escalation sequences, deadlines and preconditions with their status as of "
                    "the report date (--as-of, default the latest date in the data), each with "
                    "its proof folded under it, and the sources.")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    report.add_argument("--title", default="Analysis report", help="the page title")
    add_input_options(report, "report as of this date (adds as_of_setting)")
    report.set_defaults(handler=_report)


def _engine(args: argparse.Namespace) -> Engine:
    """The engine of `session_engine`, with `as_of_setting` added for `--as-of`."""
    import datetime as dt

    from reasoner.cli import session_engine
    from reasoner.errors import LoadError, error

    engine = session_engine(args)
    if args.as_of:
        try:
            day = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise LoadError(error(f"--as-of {args.as_of} is not a date (YYYY-MM-DD)")) from None
        engine.add_facts("as_of_setting", [(day,)])
    return engine


def _plot(args: argparse.Namespace) -> int:
    from reasoner.pictures import data, draw
    from reasoner.repl.timeline import TimelineError, resolve_actor

    try:
        engine = _engine(args)
        actors = tuple(resolve_actor(engine, a) for a in args.actors)
        if args.picture == "timeline":
            if len(actors) > 2:
                raise draw.PictureError("a timeline takes at most two actors")
            figure = draw.timeline_figure(data.timeline(engine, actors))
        else:
            if len(actors) != 2:
                raise draw.PictureError("`plot dyad` takes two actors, e.g. `plot dyad USA RUS`")
            figure = draw.trend_figure(data.trend(engine, *actors), *actors)
        draw.save(figure, Path(args.output))
    except ReasonerError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except (draw.PictureError, TimelineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from reasoner.report import report_html

    try:
        page = report_html(_engine(args), args.title)
    except ReasonerError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    path = Path(args.output)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        print(f"error: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
