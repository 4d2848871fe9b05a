"""`reasoner import FORMAT FILES... [-o OUT.events]` (added to the CLI by `add_commands`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from reasoner.errors import ReasonerError

DESCRIPTION = """Read machine-coded event data (GDELT 1.0 and 2.0 event files, plain, .gz or
.zip; ICEWS coded event files; POLECAT/PLOVER records; ACLED CSV exports) as events of the event
schema: actors as canonical ids (ISO 3166 alpha-3 for states, as the corpus names them), the verb
from the CAMEO code (PLOVER category, ACLED event type), the row's own scores as event arguments,
and the dataset row as the evidence. Prints what was read, kept, skipped and rejected; with -o,
writes the events as event statements to load with the corpus (`reasoner repl OUT.events`).
Exit status: 0 when imported, 1 on an error (nothing is written)."""


def add_commands(commands, add_limit_options=None) -> None:
    from reasoner.datasets.pipeline import FORMATS

    command = commands.add_parser("import", help="import GDELT, ICEWS, POLECAT or ACLED event data",
                                  description=DESCRIPTION)
    command.add_argument("format", metavar="FORMAT", help=f"one of: {', '.join(FORMATS)}")
    command.add_argument("files", nargs="+", metavar="FILES", help="data files (.gz and .zip too)")
    command.add_argument("-o", "--output", metavar="OUT.events",
                         help="write the events as event statements to this file")
    command.add_argument("--since", type=_date, metavar="DATE", help="keep events on or after DATE")
    command.add_argument("--until", type=_date, metavar="DATE", help="keep events on or before DATE")
    command.add_argument("--countries", type=_ids, metavar="IDS",
                         help="keep events whose actor or target is one of these ids or country names, e.g. RUS,USA")
    command.add_argument("--dyads", type=_dyads, metavar="PAIRS",
                         help="keep events between these pairs (either way), e.g. RUS-USA,RUS-UKR")
    command.add_argument("--root-only", action="store_true", help="GDELT: root events only (IsRootEvent)")
    command.add_argument("--dedupe", action="store_true",
                         help="one event per day, actor, target and code, with mentions summed")
    command.add_argument("--actors", choices=["all", "states"], default="all",
                         help="states: only events between state actors proper (default: all)")
    command.add_argument("--max-bad-rows", type=int, default=0, metavar="N",
                         help="skip up to N unreadable rows, reporting the first few (default 0)")
    command.add_argument("--no-progress", action="store_true", help="no progress bar")
    command.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from reasoner.datasets import ImportOptions, read_dataset
    from reasoner.datasets.events_text import write_events_file

    options = ImportOptions(since=args.since, until=args.until, countries=args.countries or frozenset(),
                            dyads=args.dyads or frozenset(), root_only=args.root_only, dedupe=args.dedupe,
                            actors=args.actors, max_bad_rows=args.max_bad_rows,
                            progress=False if args.no_progress else None)
    try:
        imported = read_dataset(args.format, args.files, options)
        if args.output:
            try:
                write_events_file(imported.sink, imported.report, Path(args.output))
            except OSError as exc:
                print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
                return 1
    except ReasonerError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    for diagnostic in imported.report.diagnostics:
        print(diagnostic.render(), file=sys.stderr)
    print(imported.report.summary())
    if args.output:
        print(f"wrote {imported.report.kept:,} events to {args.output}")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _ids(text: str) -> frozenset[str]:
    ids = frozenset(part.strip() for part in text.split(",") if part.strip())
    if not ids:
        raise argparse.ArgumentTypeError("give actor ids separated by commas, e.g. RUS,USA")
    return ids


def _dyads(text: str) -> frozenset[frozenset[str]]:
    pairs = set()
    for part in text.split(","):
        ends = [end.strip() for end in part.split("-")]
        if len(ends) != 2 or not all(ends):
            raise argparse.ArgumentTypeError(f"{part!r} is not a pair like RUS-USA")
        pairs.add(frozenset(ends))
    return frozenset(pairs)
