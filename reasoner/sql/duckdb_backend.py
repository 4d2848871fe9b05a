"""The DuckDB backend: an embedded database in memory, or in a file that keeps its tables
between sessions (`Engine(backend="duckdb", database=path)`).

Rows from Python are inserted through an Arrow table (DuckDB reads it without converting row
by row, far faster than `executemany`); files are read and written by DuckDB's own `COPY`.
The engine's `max_memory` (when not the default) is DuckDB's `memory_limit`, beyond which it
spills tables and joins to disk: a database file next to itself, an in-memory database into a
directory of its own in the system's temporary directory.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlglot import exp

from reasoner.errors import LoadError, error
from reasoner.sql.backend import NULLARY_TYPE, PATTERN_CHECK, arrow_table, column_names, column_type
from reasoner.sql.opening import open_error

# Up to this many values, rows go in as one INSERT with parameters; beyond, through Arrow.
_SMALL = 2_000

# The table a statement of the driver fills, and how: rows added to it, or it made from them.
_WRITES = re.compile(r'(INSERT INTO|CREATE TABLE) ("(?:[^"]|"")*"|\w+)')


def _columns(types: Sequence[str]) -> str:
    """A table's column definitions (`c0 VARCHAR, c1 BIGINT`...)."""
    columns = ", ".join(f"{c} {column_type(t)}" for c, t in zip(column_names(len(types)), types))
    return columns or f"c0 {NULLARY_TYPE}"


@functools.lru_cache(maxsize=4096)  # a load quotes each of its tables' names a few times
def _quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBBackend:
    """A `reasoner.sql.backend.Backend` over one DuckDB connection."""

    dialect = "duckdb"
    name = "DuckDB"
    recursive_union = True
    cheap_counts = True  # count(*) of a table reads its row count, no scan
    probes_unseen = True  # `Driver.unseen`: MATERIALIZED CTEs and SEMI JOIN

    def __init__(self, database: str | Path | None = None):
        import duckdb

        self._duckdb = duckdb
        target = ":memory:" if database is None else str(database)
        try:
            self.connection = duckdb.connect(target)
        except (duckdb.Error, OSError) as exc:
            raise LoadError(open_error(target, exc)) from None
        self._inserted = 0
        # The row count of each table this backend made or filled in the open transaction, so
        # that the driver's many `count` calls (is a relation still empty, did a round add
        # rows) cost no query: DuckDB reports the rows of each INSERT and CREATE TABLE ... AS.
        # A statement it cannot read the target of forgets them all, as a rollback does.
        self._sizes: dict[str, int] = {}
        self._transaction = 0
        self._in_transaction = False
        self._memory_limit: int | None = None
        # The join order of each SELECT is the Python engine's plan (`reasoner.plan.schedule`:
        # the most bound columns first), written as the FROM list; DuckDB's own join-order
        # search misjudges the long bodies of the rule library (a self-join of `event` on
        # three columns and an interval overlap took 50 times longer), so it is kept off.
        self._reorder = False
        self._set_join_order()
        self.connection.execute("SET enable_progress_bar = false")
        # Tables are sets: the order rows were inserted in need not be kept (less buffering
        # in parallel inserts and CREATE TABLE ... AS).
        self.connection.execute("SET preserve_insertion_order = false")
        self._register_pattern_check()
        if database is None:
            # Where DuckDB spills beyond its memory limit (in-memory tables included): a
            # directory of this connection's own in the system's temporary directory, which
            # DuckDB creates when it first spills and removes on close, instead of its default
            # `.tmp` in the current directory. (A database file spills next to itself.)
            spill = Path(tempfile.gettempdir()) / f"reasoner-duckdb-{os.getpid()}-{uuid.uuid4().hex[:12]}"
            self.connection.execute(f"SET temp_directory = {_literal(str(spill))}")

    def _register_pattern_check(self) -> None:
        """`PATTERN_CHECK(pattern)`: whether the Python engine takes `pattern` as a valid
        regular expression (`reasoner.functors.compile_pattern`). A `match` whose pattern is
        computed while the rule runs is `CASE WHEN PATTERN_CHECK(p) THEN regexp_full_match(..)
        END` (`reasoner.sql.expressions`): NULL for an invalid pattern, so that neither `match`
        nor `!match` holds, as in the Python engine and Soufflé, instead of DuckDB's RE2
        stopping the evaluation (`b.*[`) or reading `fo{x}` as literal braces. One cache of
        patterns per connection."""
        from reasoner.functors import PatternCache, compile_pattern

        cache = PatternCache()

        def valid(pattern: str) -> bool:
            compiled = cache.get(pattern, cache)
            if compiled is cache:
                compiled = compile_pattern(pattern, cache)
            return compiled is not None

        self.connection.create_function(PATTERN_CHECK, valid, ["VARCHAR"], "BOOLEAN", side_effects=False)

    def reorder_joins(self, enabled: bool) -> None:
        """DuckDB's join-order optimizer on or off (off but while the driver continues a
        fixpoint from a few added rows: `Driver.reordered`). A transaction that a failed
        statement aborted takes no setting: `rollback` sets it then."""
        self._reorder = enabled
        try:
            self._set_join_order()
        except self._duckdb.TransactionException:
            pass

    def _set_join_order(self) -> None:
        self.connection.execute(f"SET disabled_optimizers = '{'' if self._reorder else 'join_order'}'")

    def interrupt(self) -> None:
        """Stop the statement running on the connection (from another thread: a time budget)."""
        self.connection.interrupt()

    def set_memory_limit(self, limit: int | None) -> None:
        """DuckDB's `memory_limit` (None: its default, 80% of the machine's memory)."""
        if limit != self._memory_limit:
            self.connection.execute("RESET memory_limit" if limit is None else f"SET memory_limit = '{int(limit)}B'")
            self._memory_limit = limit

    def execute(self, sql: str) -> None:
        result = self.connection.execute(sql)
        written = _WRITES.match(sql)
        if written is None:
            self._sizes.clear()
            return
        rows = result.fetchall()  # (to the end: DuckDB takes no other work while a result is open)
        row = rows[0] if rows else None
        name = _unquoted(written.group(2))
        if written.group(1) == "CREATE TABLE" and sql[written.end():].lstrip().startswith("AS") and row:
            self._sizes[name] = int(row[0])
        elif written.group(1) == "INSERT INTO" and name in self._sizes and row:
            self._sizes[name] += int(row[0])
        else:
            self._sizes.pop(name, None)

    def fetch(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def create_table(self, name: str, types: Sequence[str]) -> None:
        self.connection.execute(f"CREATE TABLE {_quoted(name)} ({_columns(types)})")
        self._sizes[name] = 0

    def replace_tables(self, tables: Sequence[tuple[str, Sequence[str]]]) -> None:
        """One call for all (`CREATE OR REPLACE TABLE` each): a load replaces every derived
        relation's table, 300 of them for the rule library, and a call per statement cost
        twice as much."""
        if tables:
            self.connection.execute("; ".join(f"CREATE OR REPLACE TABLE {_quoted(name)} ({_columns(types)})"
                                              for name, types in tables))
        self._sizes.update((name, 0) for name, _ in tables)

    def drop_table(self, name: str) -> None:
        self.connection.execute(f"DROP TABLE IF EXISTS {_quoted(name)}")
        self._sizes.pop(name, None)

    def rename_table(self, old: str, new: str) -> None:
        self.connection.execute(f"ALTER TABLE {_quoted(old)} RENAME TO {_quoted(new)}")
        size = self._sizes.pop(old, None)
        self._sizes.pop(new, None)
        if size is not None:
            self._sizes[new] = size

    def count(self, name: str) -> int:
        known = self._sizes.get(name)
        if known is not None:
            return known
        rows = self.connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchall()
        size = self._sizes[name] = int(rows[0][0]) if rows else 0
        return size

    def forget_sizes(self) -> None:
        """The tables' row counts read afresh (after something else wrote to the connection)."""
        self._sizes.clear()

    def tables(self) -> set[str]:
        return {row[0] for row in self.connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}

    def transaction(self) -> object:
        """The open transaction (`begin`), or outside one a token equal to no other."""
        return self._transaction if self._in_transaction else object()

    def begin(self) -> None:
        self.connection.execute("BEGIN TRANSACTION")
        self._transaction += 1
        self._in_transaction = True

    def commit(self) -> None:
        self._in_transaction = False
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        self._in_transaction = False
        self._sizes.clear()
        self.connection.execute("ROLLBACK")
        self._set_join_order()

    def insert_rows(self, name: str, types: Sequence[str], rows: Iterable[tuple]) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        if types and len(rows) * len(types) <= _SMALL:  # a statement with parameters costs less
            marks = "(" + ", ".join("?" for _ in types) + ")"
            try:
                self.connection.execute(f"INSERT INTO {_quoted(name)} VALUES " + ", ".join(marks for _ in rows),
                                        [value for row in rows for value in row])
                if name in self._sizes:
                    self._sizes[name] += len(rows)
            except self._duckdb.ConversionException as exc:
                raise LoadError(error(f"cannot store a row of `{name}` in DuckDB: {_first_line(exc)}", None,
                                      "the DuckDB backend stores numbers in 64 bits")) from None
            return
        data = arrow_table(name, types, rows, "DuckDB")
        self._inserted += 1
        view = f"reasoner_rows_{self._inserted}"
        self.connection.register(view, data)
        try:
            self.connection.execute(f"INSERT INTO {_quoted(name)} SELECT * FROM {view}")
            if name in self._sizes:
                self._sizes[name] += len(rows)
        finally:
            self.connection.unregister(view)

    def read_file(self, name: str, types: Sequence[str], path: Path, options: dict[str, object]) -> None:
        """Read by DuckDB itself, with Soufflé's options (`reasoner.sql.files.read_file`)."""
        from reasoner.sql import files

        self._sizes.pop(name, None)
        files.read_file(self.connection, name, types, path, options)

    def write_file(self, name: str, path: Path, options: dict[str, object]) -> None:
        """Written by DuckDB's `COPY`, as the Python engine writes it (`reasoner.sql.files.write_file`)."""
        from reasoner.sql import files

        files.write_file(self.connection, name, path, options)

    def describe_error(self, exc: BaseException) -> str | None:
        duckdb = self._duckdb
        evaluation = (duckdb.InvalidInputException, duckdb.OutOfRangeException, duckdb.ConversionException)
        if isinstance(exc, evaluation):
            return _first_line(exc)
        return None

    def close(self) -> None:
        self.connection.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for prefix in ("Invalid Input Error: ", "Out of Range Error: ", "Conversion Error: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
