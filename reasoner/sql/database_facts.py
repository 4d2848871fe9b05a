"""Facts that live only in the database: `.input` files the database reads itself, and the
relations a database file kept from earlier sessions.

A SQL engine on DuckDB does not read `.input` files into Python rows at load time
(`check_loaded` records the directives only); when the program is evaluated, `DatabaseFacts.fill`
has each file read by DuckDB (`reasoner.sql.files`) into the table `<r> files`, once per engine,
and copies those rows and the rows of `<r> stored` into the relation's table. Both are sets (a
file's rows are made distinct as they are read, an import's as it writes them, a stored table
was a relation's), so an empty relation table takes them as they are; only a table holding
rows already is compared with them (`EXCEPT`). A file that the
SQL path does not read alone (a value in another syntax, a wrong-width row, standard input, an
engine in sandbox mode) is read by the Python engine's reader instead: same facts, same
diagnostics. Everything happens inside the load's transaction, and which files were read is
itself a table (`reasoner files read`), so a load that fails leaves the database as it was.

With a database file (`Engine(backend="duckdb", database=path)`), the end of every evaluation
records the relations without rules (facts added, imported, read from files, event facts) and
their signatures in the table `reasoner relations`. When the file is opened again, `reopen`
turns each of them into `<r> stored` and gives the engine their schemas, so the next session
starts with those facts: a query answers from them, and rules loaded over them evaluate on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from reasoner import ast
from reasoner.errors import LoadError, error
from reasoner.facts_io import _columns, _delimiter, _input_options, input_path, read_input
from reasoner.files import Sandbox
from reasoner.load import Loaded, Parsed
from reasoner.load import check_loaded as check_loaded_with_rows
from reasoner.program import RelationSchema
from reasoner.sql.files import BadFile, NotPlain
from reasoner.state import EngineState, InputDirective, Row
from reasoner.suggest import did_you_mean

CATALOGUE = "reasoner relations"
FILES_READ = "reasoner files read"


def check_loaded(current: EngineState, parsed: Parsed, strict: bool, fact_dir: Path,
                 sandbox: Sandbox | None = None) -> Loaded:
    """`reasoner.load.check_loaded` with the `.input` directives recorded, not read (their
    options checked now, as the Python engine does)."""
    inputs = [s for s in parsed.statements if isinstance(s, ast.IODirective) and s.kind == "input"]
    skipped = {id(s) for s in inputs}
    rest = tuple(s for s in parsed.statements if id(s) not in skipped)
    loaded = check_loaded_with_rows(current, attrs.evolve(parsed, statements=rest), strict, fact_dir, sandbox)
    recorded = dict(loaded.state.inputs)
    for directive in inputs:
        input_options(directive)  # an unknown option is an error with a did-you-mean
        recorded[directive.relation] = (*recorded.get(directive.relation, ()), (directive, fact_dir))
    return attrs.evolve(loaded, state=attrs.evolve(loaded.state, inputs=recorded))


# `.input` takes Soufflé's options and, on DuckDB, `format=csv|parquet|json`.
FORMATS = ("csv", "parquet", "json")


def _without_format(directive: ast.IODirective) -> ast.IODirective:
    return attrs.evolve(directive, options=tuple(o for o in directive.options if o[0].lower() != "format"))


def input_options(directive: ast.IODirective) -> dict[str, Any]:
    """The options of an `.input`, checked as the Python engine checks them, and `format`."""
    options = _input_options(_without_format(directive))
    given = [value for key, value in directive.options if key.lower() == "format"]
    if given:
        if str(given[-1]).lower() not in FORMATS:
            near = did_you_mean(str(given[-1]).lower(), FORMATS)
            raise LoadError(error(f"unknown format `{given[-1]}` for `.input {directive.relation}`", directive.span,
                                  (f"{near} " if near else "") + "`format` is csv, parquet or json"))
        options["format"] = str(given[-1]).lower()
    return options


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DatabaseFacts:
    """The facts of one SQL engine that live only in its DuckDB database (see the docstring)."""

    def __init__(self, backend: Any, persistent: bool, sandbox: Sandbox | None = None):
        self.backend = backend
        self.persistent = persistent
        self.sandbox = sandbox
        self._known: tuple[object, set[str]] | None = None  # (transaction, the tables it has)

    def _tables(self) -> set[str]:
        """The database's tables, listed once per transaction (a load asks for every relation);
        the tables this object creates are added to the list."""
        transaction = self.backend.transaction()
        if self._known is None or self._known[0] != transaction:
            self._known = (transaction, self.backend.tables())
        return self._known[1]

    def _create(self, name: str, types: Sequence[str]) -> None:
        self.backend.create_table(name, types)
        self._tables().add(name)

    # ---- opening a database file ---------------------------------------------------------

    def reopen(self) -> dict[str, RelationSchema]:
        """The relations a database file kept from an earlier session, their tables renamed to
        `<r> stored`; the files read by that session are forgotten (read again when asked)."""
        tables = self._tables()
        for name in tables:
            if name.endswith(" files") or name == FILES_READ:
                self.backend.drop_table(name)
        self._known = None
        if CATALOGUE not in tables:
            return {}
        schemas = {}
        for name, columns, bases in self.backend.fetch(f"SELECT * FROM {_quoted(CATALOGUE)}"):
            stored = f"{name} stored"
            if name in tables:
                self.backend.drop_table(stored)
                self.backend.rename_table(name, stored)
            elif stored not in tables:
                continue
            types = tuple(json.loads(bases))
            schemas[name] = RelationSchema(name, tuple(json.loads(columns)), types, types)
        return schemas

    def record(self, schemas: dict[str, RelationSchema], derived: Iterable[str]) -> None:
        """Write the catalogue of the relations without rules (a database file only)."""
        if not self.persistent:
            return
        ruled = set(derived)
        if CATALOGUE not in self._tables():
            self._create(CATALOGUE, ("symbol", "symbol", "symbol"))
        self.backend.execute(f"DELETE FROM {_quoted(CATALOGUE)}")
        rows = [(name, json.dumps(list(s.columns)), json.dumps(list(s.bases)))
                for name, s in sorted(schemas.items()) if name not in ruled]
        if rows:
            self.backend.insert_rows(CATALOGUE, ("symbol", "symbol", "symbol"), rows)

    # ---- filling a relation's table --------------------------------------------------------

    def fill(self, name: str, schema: RelationSchema, inputs: Sequence[InputDirective], fresh: bool) -> bool:
        """Read the relation's `.input` files not read yet; into its table (`fresh`: just
        created) add the rows of its files and of earlier sessions, else those of the files just
        read. Whether the relation has rows that only the database holds."""
        tables = self._tables()
        new = False
        for directive, fact_dir in inputs:
            new = self._read(name, schema, directive, fact_dir, tables) or new
            tables = self._tables()
        found = False
        for extra in (f"{name} stored", f"{name} files"):
            if extra in tables and self.backend.count(extra):
                found = True
                # `<r> stored` and `<r> files` are sets: an empty table takes their rows as they are
                if (fresh or (new and extra.endswith(" files"))) and not self.backend.count(name):
                    self.backend.execute(f"INSERT INTO {_quoted(name)} SELECT * FROM {_quoted(extra)}")
                elif fresh or (new and extra.endswith(" files")):
                    self.backend.execute(f"INSERT INTO {_quoted(name)} SELECT * FROM {_quoted(extra)} "
                                         f"EXCEPT SELECT * FROM {_quoted(name)}")
        return found

    def _read(self, name: str, schema: RelationSchema, directive: ast.IODirective, fact_dir: Path,
              tables: set[str]) -> bool:
        """Read one `.input` file into `<r> files` unless it was read already; whether it was read now."""
        options = input_options(directive)
        path = input_path(directive, fact_dir)
        key = json.dumps([str(path), sorted((k, str(v)) for k, v in options.items())])
        if FILES_READ not in tables:
            self._create(FILES_READ, ("symbol", "symbol"))
        elif self.backend.fetch(f"SELECT 1 FROM {_quoted(FILES_READ)} "
                                f"WHERE c0 = {_literal(name)} AND c1 = {_literal(key)}"):
            return False
        target = f"{name} files"
        if target not in tables:
            self._create(target, schema.bases)
        plain = (str(options.get("io", "file")).lower() == "file" and self.sandbox is None and schema.arity
                 and path.is_file())
        if plain:
            given = dict(options)
            if "delimiter" in given:
                given["delimiter"] = _delimiter(options, directive)
            if "columns" in given:
                given["columns"] = _columns(options, directive, schema)
            given["column names"] = schema.columns
            try:
                self.backend.read_file(target, schema.bases, path, given)
            except NotPlain:
                plain = False
            except BadFile as exc:
                raise LoadError(error(f"{exc} (`{name}`: {schema.signature()})", directive.span)) from None
        if not plain:  # the Python engine's reader: its facts, or its diagnostics
            rows = read_input(_without_format(directive), schema, fact_dir, self.sandbox)
            self.backend.insert_rows(target, schema.bases, list(rows))
        self.backend.insert_rows(FILES_READ, ("symbol", "symbol"), [(name, key)])
        return True

    # ---- importing a dataset ---------------------------------------------------------------

    def import_dataset(self, format: str, paths: Sequence[str | Path], options: Any, known_actors: frozenset[str],
                       schemas: dict[str, RelationSchema]) -> Any:
        """Import a dataset's files into the `<r> files` tables of the event schema without
        Python rows (`reasoner.datasets.duckdb_import`); its `ImportReport`. Raises `NotInSql`
        (the caller rolls back and imports with the Python reader)."""
        from reasoner.datasets.duckdb_import import RELATIONS, import_gdelt

        for name in RELATIONS:
            if f"{name} files" not in self._tables():
                self._create(f"{name} files", schemas[name].bases)
        try:
            return import_gdelt(self.backend.connection, format, paths, options, known_actors,
                                lambda name: _quoted(f"{name} files"))
        finally:
            self.backend.forget_sizes()  # it wrote to the tables through the connection

    # ---- reading them back -----------------------------------------------------------------

    def rows(self, name: str) -> set[Row]:
        """The rows of the relation that live only in the database (for explanations)."""
        tables = self._tables()
        found: set[Row] = set()
        for extra in (f"{name} stored", f"{name} files"):
            if extra in tables:
                found |= set(self.backend.fetch(f"SELECT * FROM {_quoted(extra)}"))
        return found

    def only_new(self, name: str, rows: list[Row]) -> list[Row]:
        """`rows` without those the relation's table holds already (from files or stored)."""
        tables = self._tables()
        if not any(extra in tables for extra in (f"{name} stored", f"{name} files")):
            return rows
        held = self.rows(name)
        return [row for row in rows if row not in held]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
