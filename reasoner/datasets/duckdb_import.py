"""GDELT files imported straight into DuckDB: the rows never become Python objects.

DuckDB reads each file itself (`read_csv`, one column per line, `.gz` included) into a
temporary table of lines split at tabs; the mapping to the event schema is SQL. Python sees only
the *distinct* values that need its tables: dates, CAMEO codes, Goldstein scores, counts, the
actor of each side (pycountry, the corpus), the web site of each URL. Each is checked and mapped
by the very code of the Python import (`Gdelt1.parse`'s helpers, `FactSink.source_id`), and the
answers go back as small lookup tables that the facts are joined with. So the facts are those of
`read_dataset` (tests/datasets/test_duckdb_import.py compares them on the samples), but for the
row spans: an event imported here cites its row's evidence, not `file:line`.

What this path does not take raises `NotInSql` before anything is written, and the caller
imports with the Python reader instead (same facts, and its diagnostics): a filter, `dedupe`, a
`.zip` archive, a file DuckDB cannot read, and any bad or odd row (a wrong width, an invalid
date, code, score or count, an unknown country). The first case of each is the Python reader's
to report at `file:line`; this path never reports a row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reasoner.datasets.actors import Actor, ActorResolver
from reasoner.datasets.base import RowError, number_text
from reasoner.datasets.gdelt import (
    A1_CODE, A2_CODE, ARTICLES, CODE, DATE, GOLDSTEIN, ID, MENTIONS, QUAD, SOURCES, TONE, Gdelt1,
)
from reasoner.datasets.options import ImportOptions
from reasoner.datasets.pipeline import ALIASES, format_class
from reasoner.datasets.records import FactSink
from reasoner.datasets.report import ImportReport

# The relations an import fills, as `read_dataset` gives them.
RELATIONS = ("event", "event_status", "attribution", "evidence", "event_arg", "source", "actor")

_RAW = "reasoner_import_lines"
# A side's columns from its first (Actor1Code or Actor2Code): code, name, country, known group,
# first type: the key of `Gdelt1.side`.
SIDE = (0, 1, 2, 3, 7)
_counter = itertools.count()


class NotInSql(Exception):
    """This import is for the Python reader (the reason in words)."""


def sql_importable(format: str, paths: Iterable[str | Path], options: ImportOptions) -> str | None:
    """Why the import cannot go straight into DuckDB (None: it can)."""
    key = ALIASES.get(format.lower(), format.lower())
    if key not in ("gdelt1", "gdelt2"):
        return f"{format} files are read by the Python reader"
    if (options.since or options.until or options.countries or options.dyads or options.root_only
            or options.dedupe or options.actors != "all"):
        return "filters and de-duplication are applied by the Python reader"
    for path in paths:
        path = Path(path)
        if path.suffix == ".zip" or not path.is_file():
            return f"{path} is not a plain or .gz file"
    return None


def import_gdelt(connection: Any, format: str, paths: Iterable[str | Path], options: ImportOptions,
                 known_actors: frozenset[str], table: Callable[[str], str]) -> ImportReport:
    """Add the event facts of GDELT files to the tables `table(relation)` (existing, with the
    event schema's columns), in the connection's current transaction. Raises NotInSql (nothing
    written) when the Python reader must do it."""
    files = [Path(p) for p in paths]
    why = sql_importable(format, files, options)
    if why:
        raise NotInSql(why)
    fmt = format_class(format)()
    assert isinstance(fmt, Gdelt1)
    report = ImportReport(fmt.title)
    run = _Run(connection, fmt, table, known_actors)
    try:
        for path in files:
            run.read(path, report)
        run.check(report)
        run.write(report)
    finally:
        run.close()
    return report


def _column(column: int) -> str:
    """The temporary table's column holding a field (0-based, as in gdelt.py)."""
    return f"c{column}"


class _Run:
    """One import: the lines of every file in one temporary table, checked, then written."""

    def __init__(self, connection: Any, fmt: Gdelt1, table: Callable[[str], str], known: frozenset[str]):
        self.db = connection
        self.fmt = fmt
        self.table = table
        self.known = known
        self.resolver = ActorResolver()
        self.sink = FactSink(known)  # source ids and actors, numbered as the Python import does
        self.suffix = f"{next(_counter)}"
        self.raw = f"{_RAW}_{self.suffix}"
        # The fields the import reads, one column each (a line's list of 58 fields is not kept).
        self.fields = sorted({ID, DATE, CODE, QUAD, GOLDSTEIN, MENTIONS, SOURCES, ARTICLES, TONE, fmt.place,
                              *(first + k for first in (A1_CODE, A2_CODE) for k in SIDE)})
        columns = ", ".join(f"{_column(c)} VARCHAR" for c in self.fields)
        self.db.execute(f"CREATE TEMP TABLE {self.raw} (file INTEGER, line BIGINT, width INTEGER, {columns}, "
                        "url VARCHAR)")
        self.files = 0
        self.temporary = [self.raw]
        self.made: dict[str, int] = {}  # relation -> its facts this import made (as `read_dataset` counts)
        self.kept = ""  # the table of the rows kept, once written
        self.unique = False  # whether they hold each event id once
        self.lookups: dict[str, str] = {}  # "dates", "verbs", "sides"... -> its temporary table

    def close(self) -> None:
        """Drop the temporary tables. After a failed statement inside a transaction DuckDB
        refuses every statement until the rollback, which takes the tables with it."""
        for name in self.temporary:
            try:
                self.db.execute(f"DROP TABLE IF EXISTS {name}")
            except Exception:  # noqa: BLE001 - the aborted transaction's rollback drops them
                return

    def fetch(self, sql: str, *parameters: object) -> list[tuple]:
        return self.db.execute(sql, list(parameters)).fetchall()

    # ---- reading ---------------------------------------------------------------------------

    def read(self, path: Path, report: ImportReport) -> None:
        self.files += 1
        report.files.append(str(path))
        try:  # one column per line: a byte no GDELT file holds as the delimiter
            fields = ", ".join(f"f[{c + 1}]" for c in self.fields)  # DuckDB lists count from 1
            self.db.execute(
                f"INSERT INTO {self.raw} SELECT file, line, len(f), {fields}, coalesce(f[{self.fmt.url + 1}], '') "
                "FROM (SELECT ? AS file, row_number() OVER () AS line, string_split(line, chr(9)) AS f "
                "FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = chr(31), quote = '', escape = '', "
                "header = false, auto_detect = false, strict_mode = true) WHERE line <> '')",
                [self.files, str(path)])
        except Exception as exc:  # noqa: BLE001 - whatever DuckDB says, the Python reader reads it
            raise NotInSql(f"DuckDB cannot read {path}: {str(exc).splitlines()[0]}") from None
        first = self.fetch(f"SELECT {_column(ID)} FROM {self.raw} WHERE file = ? ORDER BY line LIMIT 1", self.files)
        if not first:
            raise NotInSql(f"{path} is empty")
        if (first[0][0] or "").strip().upper() == "GLOBALEVENTID":
            self.db.execute(f"DELETE FROM {self.raw} WHERE file = ? AND line = 1", [self.files])

    # ---- checking the distinct values ------------------------------------------------------

    def check(self, report: ImportReport) -> None:
        fmt, raw = self.fmt, self.raw
        widths = {w for (w,) in self.fetch(f"SELECT DISTINCT width FROM {raw}")}
        if not widths or not widths <= set(fmt.widths):
            raise NotInSql("a row of another width")
        if self.fetch(f"SELECT 1 FROM {raw} WHERE NOT regexp_full_match({_column(ID)}, '[0-9]+') LIMIT 1"):
            raise NotInSql("an invalid event id")
        report.read = self.fetch(f"SELECT count(*) FROM {raw}")[0][0]
        try:
            dates = [(text, fmt.dates.compact(text, DATE + 1)) for text in self.distinct(DATE)]
            verbs = [(code, fmt.verbs.get(code) or "") for code in self.distinct(CODE)]
            for text in self.distinct(GOLDSTEIN):
                number_text(text, "Goldstein score", GOLDSTEIN + 1)
            sides = [(*key, *self.side(key)) for key in self.side_keys()]
        except RowError as exc:
            raise NotInSql(exc.detail) from None
        unknown = [code for code, verb in verbs if not verb]
        if unknown:
            raise NotInSql(f"unknown CAMEO event code {unknown[0]!r}")
        counts = {c for column in (MENTIONS, SOURCES, ARTICLES) for c in self.distinct(column)}
        if not all(c.isdigit() for c in counts):
            raise NotInSql("an invalid count")
        self.lookup("dates", ("text VARCHAR", "day DATE"), dates)
        self.lookup("verbs", ("code VARCHAR", "verb VARCHAR"), verbs)
        self.lookup("sides", ("code VARCHAR", "name VARCHAR", "country VARCHAR", "grp VARCHAR",
                              "type VARCHAR", "id VARCHAR", "actor_name VARCHAR", "kind VARCHAR"), sides)

    def distinct(self, column: int) -> list[str]:
        return [value for (value,) in self.fetch(f"SELECT DISTINCT {_column(column)} FROM {self.raw}")]

    def side_keys(self) -> list[tuple[str, ...]]:
        def key(first: int) -> str:
            return ", ".join(_column(first + k) for k in SIDE)

        return self.fetch(f"SELECT DISTINCT {key(A1_CODE)} FROM {self.raw} UNION "
                          f"SELECT DISTINCT {key(A2_CODE)} FROM {self.raw}")

    def side(self, key: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
        """(id, name, kind) of the actor of a side's key (Nones: no actor)."""
        fields = [""] * (A2_CODE + 8)
        fields[A1_CODE], fields[A1_CODE + 1], fields[A1_CODE + 2], fields[A1_CODE + 3], fields[A1_CODE + 7] = key
        actor: Actor | None = self.fmt.side(fields, A1_CODE, self.resolver)[0]
        return (actor.id, actor.name, actor.kind) if actor is not None else (None, None, None)

    def lookup(self, name: str, columns: tuple[str, ...], rows: list[tuple]) -> str:
        """A temporary table of `rows` (Python's answers for the distinct values); its name."""
        table = f"reasoner_import_{name}_{self.suffix}"
        self.temporary.append(table)
        self.db.execute(f"CREATE TEMP TABLE {table} ({', '.join(columns)})")
        if rows:
            marks = "(" + ", ".join("?" for _ in columns) + ")"
            for start in range(0, len(rows), 500):
                part = rows[start:start + 500]
                self.db.execute(f"INSERT INTO {table} VALUES " + ", ".join(marks for _ in part),
                                [value for row in part for value in row])
        self.lookups[name] = table
        return table

    # ---- writing the facts -----------------------------------------------------------------

    def write(self, report: ImportReport) -> None:
        fmt, raw = self.fmt, self.raw
        item = _column
        url = "r.url"
        host = (f"(CASE WHEN {url} = '' THEN '' WHEN contains({url}, '://') THEN split_part({url}, '/', 3) "
                f"ELSE split_part({url}, '/', 1) END)")
        side = "{5}.code = {0} AND {5}.name = {1} AND {5}.country = {2} AND {5}.grp = {3} AND {5}.type = {4}"
        kept = f"reasoner_import_kept_{self.suffix}"
        self.temporary.append(kept)
        self.db.execute(
            f"CREATE TEMP TABLE {kept} AS SELECT r.file, r.line, 'gdelt_' || {item(ID)} AS id, d.day, a.id AS actor, "
            f"v.verb, coalesce(t.id, '') AS target, {url} AS url, {host} AS host, "
            f"{', '.join('r.' + item(c) for c in self.fields)} "
            f"FROM {raw} r JOIN {self.lookups['dates']} d ON d.text = {item(DATE)} "
            f"JOIN {self.lookups['verbs']} v ON v.code = {item(CODE)} "
            f"JOIN {self.lookups['sides']} a ON {side.format(*(item(A1_CODE + k) for k in SIDE), 'a')} "
            f"JOIN {self.lookups['sides']} t ON {side.format(*(item(A2_CODE + k) for k in SIDE), 't')} "
            "WHERE a.id IS NOT NULL")
        self.kept = kept
        report.kept, ids = self.fetch(f"SELECT count(*), count(DISTINCT id) FROM {kept}")[0]
        self.unique = ids == report.kept
        if report.read - report.kept:
            report.skipped["no actor (Actor1 empty)"] = report.read - report.kept
        outlets = []
        for host_name, url_text in self.fetch(f"SELECT host, arg_min(url, file * 4398046511104 + line) FROM {kept} "
                                              "GROUP BY host ORDER BY min(file * 4398046511104 + line)"):
            outlet, source = fmt.outlet(url_text)
            outlets.append((host_name, outlet, self.sink.source_id(source, outlet)))
        self.lookup("outlets", ("host VARCHAR", "outlet VARCHAR", "source VARCHAR"), outlets)
        o = f"JOIN {self.lookups['outlets']} o ON o.host = k.host"
        args = [f"SELECT id, '{key}', {item(column)} FROM {kept} k" + (f" WHERE {item(column)} <> ''" if optional else "")
                for key, column, optional in (
                    ("cameo", CODE, False), ("goldstein", GOLDSTEIN, False), ("quad", QUAD, False),
                    ("tone", TONE, False), ("actor_code", A1_CODE, True), ("target_code", A2_CODE, True),
                    ("place", fmt.place, True), ("mentions", MENTIONS, False), ("sources", SOURCES, False),
                    ("articles", ARTICLES, False))]
        quote = f"CASE WHEN k.url <> '' THEN 'GDELT event ' || {item(ID)} || ': ' || k.url ELSE 'GDELT event ' || {item(ID)} END"
        self.insert("event", f"SELECT id, day, day, actor, verb, target FROM {kept}")
        self.insert("event_status", f"SELECT id, 'occurred' FROM {kept}")
        self.insert("attribution", f"SELECT k.id, 'outlet', o.outlet FROM {kept} k {o}")
        self.insert("evidence", f"SELECT k.id, o.source, {quote} FROM {kept} k {o}")
        self.insert("event_arg", " UNION ALL ".join(args))
        sources = [row for row in self.sink.facts["source"]]
        self.lookup("sources", ("id VARCHAR", "title VARCHAR", "outlet VARCHAR", "published_start DATE",
                                "published_end DATE", "file VARCHAR"), sources)
        self.insert("source", f"SELECT * FROM {self.lookups['sources']}", by_event=False)
        # The actors in the order the Python import meets them (the first name an id has wins).
        key = "s.code, s.name, s.country, s.grp, s.type"
        names = ("code", "name", "country", "grp", "type")

        def seen(first: int, which: int) -> str:
            columns = ", ".join(f"{item(first + k)} AS {n}" for k, n in zip(SIDE, names))
            return f"SELECT {columns}, file * 4398046511104 + line * 2 + {which} AS seen FROM {kept}"

        for actor_id, name, kind in self.fetch(
                f"SELECT s.id, s.actor_name, s.kind FROM {self.lookups['sides']} s JOIN ("
                f"{seen(A1_CODE, 0)} UNION ALL {seen(A2_CODE, 1)}) k USING ({', '.join(names)}) "
                f"WHERE s.id IS NOT NULL GROUP BY {key}, s.id, s.actor_name, s.kind ORDER BY min(k.seen)"):
            if actor_id not in self.sink.actors:
                self.sink.new_actor(Actor(actor_id, name, kind))
        self.lookup("actors", ("id VARCHAR", "name VARCHAR", "kind VARCHAR"), list(self.sink.facts["actor"]))
        self.insert("actor", f"SELECT * FROM {self.lookups['actors']}", by_event=False)
        report.facts = sum(self.made.values())

    def insert(self, relation: str, select: str, by_event: bool = True) -> None:
        """Add the rows `select` gives to the relation's table, each once. Rows of events
        (`by_event`: the first column is the event id) go in as they are when every event id is
        new to the table and the file has each once; else through EXCEPT, which hashes them all."""
        target = self.table(relation)
        before = self.fetch(f"SELECT count(*) FROM {target}")[0][0]
        if by_event and self.unique and (before == 0 or not self.fetch(
                f"SELECT 1 FROM {target} t SEMI JOIN {self.kept} k ON t.c0 = k.id LIMIT 1")):
            self.db.execute(f"INSERT INTO {target} {select}")
            self.made[relation] = self.fetch(f"SELECT count(*) FROM {target}")[0][0] - before
        else:
            self.db.execute(f"INSERT INTO {target} ({select}) EXCEPT SELECT * FROM {target}")
            self.made[relation] = self.fetch(f"SELECT count(*) FROM (SELECT DISTINCT * FROM ({select}))")[0][0]

