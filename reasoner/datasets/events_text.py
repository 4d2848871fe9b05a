"""Imported facts written as event statements (docs/events.md), so that `reasoner repl FILE`,
`Engine.load` and `:load` read them next to the corpus. Actors the shipped corpus declares are
declared word for word as there (a repeated declaration must be identical); every other actor,
source and event is declared as the import made it."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TextIO

from reasoner.datasets.actors import corpus_declarations
from reasoner.datasets.records import FactSink, one_line
from reasoner.datasets.report import ImportReport


def quoted(text: str) -> str:
    """A string of the event language (one line: line breaks become spaces)."""
    text = one_line(text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_events(sink: FactSink, report: ImportReport, stream: TextIO) -> None:
    facts = sink.facts
    stream.write(f"# {report.dataset} events imported by `reasoner import` from "
                 f"{', '.join(Path(f).name for f in report.files)}: {report.kept:,} events.\n")
    stream.write("# Regenerate rather than edit: the import is the record of these rows.\n\n")
    declared = corpus_declarations()
    for actor in sorted(sink.actors.values(), key=lambda a: a.id):
        if actor.id in declared:
            stream.write(declared[actor.id][1] + "\n")
        else:
            kind = f" is {actor.kind}" if actor.kind else ""
            stream.write(f"actor {actor.id} {quoted(actor.name)}{kind}\n")
    stream.write("\n")
    for source_id, title, outlet, *_ in sorted(facts["source"]):
        stream.write(f"source {source_id} {quoted(title)} outlet {quoted(outlet)}\n")
    stream.write("\n")
    args: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for id_, key, value in facts["event_arg"]:
        args[id_].append((key, value))
    evidence = {id_: (source, quote) for id_, source, quote in facts["evidence"]}
    for id_, start, _end, actor, verb, target in sorted(facts["event"], key=lambda e: (e[1], e[0])):
        head = f"event {id_} {_day(start)} {actor} {verb}" + (f" {target}" if target else "")
        pairs = " ".join(f"{key}={quoted(value)}" for key, value in sorted(args.get(id_, ())))
        source, quote = evidence[id_]
        stream.write(f"{head}{' ' + pairs if pairs else ''}\n    cite {source} {quoted(quote)}\n")


def _day(day: dt.date) -> str:
    return day.isoformat()


def write_events_file(sink: FactSink, report: ImportReport, path: Path) -> None:
    """Write the statements to `path` whole or not at all (a temporary file renamed into place)."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            write_events(sink, report, stream)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
