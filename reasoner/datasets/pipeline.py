"""Reading a dataset's files into event facts: rows -> records -> filters -> de-duplication ->
facts, streamed (only the facts kept, and with de-duplication one record per kept event, stay in
memory). All or nothing: a file that does not fit its format, a damaged file, an empty one, or
more bad rows than `max_bad_rows` raise a `LoadError` and nothing is produced."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import attrs

from reasoner.datasets.acled import Acled
from reasoner.datasets.actors import ActorResolver, UnknownCountry
from reasoner.datasets.base import Format, FormatError, RowError
from reasoner.datasets.gdelt import Gdelt1, Gdelt2
from reasoner.datasets.icews import Icews
from reasoner.datasets.options import ImportOptions
from reasoner.datasets.polecat import Polecat
from reasoner.datasets.progress import EVERY, Progress
from reasoner.datasets.reading import data_lines
from reasoner.datasets.records import FactSink, Record
from reasoner.datasets.report import ImportReport
from reasoner.datasets.source_rows import row_span
from reasoner.errors import Diagnostic, LoadError, error
from reasoner.gcpause import paused_gc
from reasoner.suggest import closest

FORMATS: dict[str, type[Format]] = {
    "gdelt1": Gdelt1, "gdelt2": Gdelt2, "icews": Icews, "polecat": Polecat, "acled": Acled,
}
ALIASES = {"gdelt": "gdelt1", "plover": "polecat"}


@attrs.define
class Imported:
    """The facts of an import and its report."""

    report: ImportReport
    sink: FactSink


def format_class(name: str) -> type[Format]:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        close = closest(key, [*FORMATS, *ALIASES])
        raise LoadError(error(f"unknown dataset format {name!r}",
                              hint=(f"did you mean {close[0]}? " if close else "")
                              + f"formats: {', '.join(FORMATS)}"))
    return FORMATS[key]


def read_dataset(format: str, paths: Iterable[str | Path], options: ImportOptions | None = None,
                 known_actors: frozenset[str] = frozenset()) -> Imported:
    """The event facts of a dataset's files. `known_actors`: actor ids that need no `actor`
    fact (the engine has them). Raises LoadError (see the module's docstring)."""
    options = options or ImportOptions()
    kind = format_class(format)
    files = [Path(p) for p in paths]
    if not files:
        raise LoadError(error("no data files given"))
    report = ImportReport(kind.title)
    sink = FactSink(known_actors)
    resolver = ActorResolver()
    options = _with_ids(options, resolver)
    merged: dict[tuple, Record] | None = {} if options.dedupe else None
    progress = Progress(options.progress, kind.title)
    try:
        with paused_gc():  # millions of tuples that live on: no collection traversing them
            for path in files:
                _read_file(kind(), path, options, resolver, report, sink, merged, progress)
    finally:
        progress.close()
    sink.flush()
    if merged is not None:
        for record in merged.values():
            sink.add(record)
        report.kept = len(merged)
    if report.bad_rows:  # skipped within the budget: the diagnostics are warnings now
        report.diagnostics = [attrs.evolve(d, severity="warning") for d in report.diagnostics]
    report.facts = sink.count()
    return Imported(report, sink)


def _read_file(fmt: Format, path: Path, options: ImportOptions, resolver: ActorResolver,
               report: ImportReport, sink: FactSink, merged: dict | None, progress: Progress) -> None:
    report.files.append(str(path))
    first = True
    rows = 0
    since, until = options.since, options.until
    filtering = options.root_only or options.actors != "all" or options.countries or options.dyads
    plain = not filtering and merged is None and since is None and until is None
    emit = fmt.bulk(sink) if plain else None
    for name, number, text, fields in _rows(fmt, path):
        if first:
            first = False
            try:
                if fmt.begin(fields):
                    continue
            except FormatError as exc:
                raise LoadError(error(f"{name} is not {_a(fmt.title)} file: {exc}",
                                      row_span(name, number, text, 1, len(text)), fmt.layout())) from None
        rows += 1
        report.read += 1
        if report.read % EVERY == 0:
            progress.update(report.read, report.kept, report.bad_rows)
        if emit is not None and emit(fields, name, number):
            report.kept += 1
            continue
        try:
            record = fmt.parse(fields, resolver, name, number)
        except RowError as exc:
            _bad_row(exc, fmt, name, number, text, fields, report, options)
            continue
        if isinstance(record, str):
            report.skipped[record] += 1
            continue
        day = record.day
        if (since is not None and day < since) or (until is not None and day > until):
            report.skipped["outside the date range"] += 1
            continue
        if filtering:
            reason = _filtered(record, options)
            if reason:
                report.skipped[reason] += 1
                continue
        if merged is not None:
            key = (day, record.actor.id, record.target.id if record.target else "", record.code)
            earlier = merged.get(key)
            if earlier is not None:
                earlier.merge(record)
                report.merged += 1
            else:
                merged[key] = record
            continue
        sink.add(record)
        report.kept += 1
    if first:
        raise LoadError(error(f"{path} is empty (0 lines): it has no {fmt.title} rows", row_span(str(path), 1),
                              fmt.layout()))
    if rows == 0:
        raise LoadError(error(f"{path} has a header but no {fmt.title} rows", row_span(str(path), 1)))


def _a(title: str) -> str:
    """A format's title with its article: "a GDELT 1.0", "an ICEWS"."""
    return f"{'an' if title[:1] in 'AEIOU' else 'a'} {title}"


def _rows(fmt: Format, path: Path):
    """The rows of a file; text that cannot be split into rows (CSV quoting gone wrong) stops
    the import at the file."""
    try:
        yield from fmt.split(data_lines(path))
    except RowError as exc:
        raise LoadError(error(f"{path} cannot be read as {fmt.title}: {exc.detail}", None, fmt.layout())) from None


def _with_ids(options: ImportOptions, resolver: ActorResolver) -> ImportOptions:
    """The options with country names in `countries` and `dyads` ("Russia") made ids (RUS);
    ids are kept as given. An unknown name is an error."""
    def id_of(name: str) -> str:
        if re.fullmatch(r"[A-Z0-9_]+", name):  # an id such as RUS or NATO
            return name
        try:
            state = resolver.country_name(name)
        except UnknownCountry:
            state = None
        return state.id if state is not None else name

    if not options.countries and not options.dyads:
        return options
    return attrs.evolve(options, countries=frozenset(id_of(c) for c in options.countries),
                        dyads=frozenset(frozenset(id_of(end) for end in pair) for pair in options.dyads))


def _filtered(record: Record, options: ImportOptions) -> str | None:
    """Why a record is left out by the options (None: kept)."""
    if options.root_only and not record.root:
        return "not a root event (root events only)"
    if options.actors == "states" and not record.states:
        return "not between state actors (state actors only)"
    target = record.target.id if record.target is not None else ""
    if options.countries and record.actor.id not in options.countries and target not in options.countries:
        return "outside the countries chosen"
    if options.dyads and frozenset((record.actor.id, target)) not in options.dyads:
        return "outside the dyads chosen"
    return None


def _bad_row(exc: RowError, fmt: Format, name: str, number: int, text: str, fields: list[str],
             report: ImportReport, options: ImportOptions) -> None:
    column, width = 1, max(1, len(text))
    if exc.column is not None and exc.column <= len(fields):
        column = sum(len(f) + 1 for f in fields[:exc.column - 1]) + 1
        width = max(1, len(fields[exc.column - 1]))
    report.note_bad(exc.reason, error(f"bad {fmt.title} row: {exc.detail}",
                                      row_span(name, number, text, column, width)))
    budget = options.max_bad_rows
    if budget is not None and report.bad_rows > budget:
        raise LoadError([*report.diagnostics, _too_many(report, budget, name, number)])


def _too_many(report: ImportReport, budget: int, name: str, number: int) -> Diagnostic:
    reasons = ", ".join(f"{count:,} {reason}" for reason, count in report.bad.most_common())
    return error(f"{report.bad_rows:,} bad row{'s' if report.bad_rows != 1 else ''} after {report.read:,} "
                 f"rows read (stopped at {name}:{number}; {reasons}); nothing was imported",
                 None, f"--max-bad-rows N (max_bad_rows=N) skips up to N bad rows and imports the rest"
                 + (f"; the budget is {budget}" if budget else ""))
