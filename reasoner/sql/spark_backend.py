"""The Spark backend: `Engine(backend="spark", spark_master=None|URL)`, the SQL driver's tables
as DataFrames of a Spark session (`spark_session.py`), the statements in Spark SQL
(`spark_dialect.py`).

A table is a list of parts, each a DataFrame materialised once and cut from its lineage
(`localCheckpoint`) with its row count: `INSERT INTO t <query>` computes the query's rows
into a new part, `CREATE TABLE t AS <query>` makes a table of one part, and a query reads
`t` through a temporary view, the union of its parts. So the driver's semi-naive loop (in
Spark's recursive CTEs only `UNION ALL` is allowed, without set semantics) runs round after
round without any plan growing with the rounds; when a table has more than `_PARTS` parts they
are merged into one. `INSERT INTO t SELECT * FROM u` (the driver adding a round's new rows)
takes `u`'s parts as they are, computing nothing. Row counts come with the checkpoint (an
`Observation`), so the driver's `count` of a round's new rows costs no job. Rows from Python
(`insert_rows`) go in through Arrow; up to `_LOCAL_ROWS` stay a leaf of the plans that read them,
more are checkpointed on the executors once.

Files (`spark_files.py`): Parquet is read by Spark itself (on a cluster, from storage every
executor sees) and written by it; delimited text is read by the Python engine's reader
(`NotPlain`) and written in the driver by its writer, so both give that engine's facts and files.

Spark has no transactions; it needs none here: DataFrames never change, so `begin` keeps the
table map, `rollback` puts it back (and the views with it), and a failed load leaves the
engine's tables as they were.

Temporary views belong to the engine's own session, so two engines sharing the process's
SparkContext never see each other's tables.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from reasoner.errors import LoadError, error
from reasoner.sql import spark_dialect, spark_files
from reasoner.sql.backend import NULLARY_TYPE, arrow_table, column_names, column_type
from reasoner.sql.spark_session import SESSION_SETTINGS, first_line, spark_session

_PARTS = 8  # a table of more parts is merged into one
_LOCAL_ROWS = 20_000  # rows from Python up to this many are not checkpointed
_LOG = logging.getLogger("reasoner.sql.spark")  # each statement and its time, at debug level
# A table name as the driver writes it: quoted as Spark does (`name`) or as DuckDB does ("name"),
# which the session reads as an identifier too (`spark.sql.ansi.doubleQuotedIdentifiers`).
_IDENT = r"(`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\")"
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+" + _IDENT + r"\s+(.*)\Z", re.DOTALL | re.IGNORECASE)
_CREATE = re.compile(r"\s*CREATE\s+TABLE\s+" + _IDENT + r"\s+AS\s+(.*)\Z", re.DOTALL | re.IGNORECASE)
_DECLARE = re.compile(r"\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?" + _IDENT + r"\s*\((.*)\)\s*\Z",
                      re.DOTALL | re.IGNORECASE)
_DELETE = re.compile(r"\s*DELETE\s+FROM\s+" + _IDENT + r"\s*\Z", re.IGNORECASE)
_STAR = re.compile(r"\s*SELECT\s+\*\s+FROM\s+" + _IDENT + r"\s*\Z", re.IGNORECASE)
_SPARK_TYPES = {"VARCHAR": "STRING", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "DATE": "DATE", "BOOLEAN": "BOOLEAN"}
# Error conditions of Spark that are evaluation errors of the rules, not faults of the backend.
_EVALUATION = ("DIVIDE_BY_ZERO", "REMAINDER_BY_ZERO", "ARITHMETIC_OVERFLOW", "CAST_OVERFLOW", "CAST_INVALID_INPUT",
               "USER_RAISED_EXCEPTION", "DATETIME_OVERFLOW", "INVALID_FRACTION_OF_SECOND", "NUMERIC_VALUE_OUT_OF_RANGE",
               "BINARY_ARITHMETIC_OVERFLOW", "PYTHON_EXCEPTION", "INVALID_PARAMETER_VALUE")


def _quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="spark")


def _unquoted(identifier: str) -> str:
    quote = identifier[0]
    return identifier[1:-1].replace(quote * 2, quote)


def _schema(types: Sequence[str]) -> str:
    columns = [f"{c} {_SPARK_TYPES[column_type(t)]}" for c, t in zip(column_names(len(types)), types)]
    return ", ".join(columns) or f"c0 {NULLARY_TYPE}"


def _fsum(values: list[float] | None) -> float:
    return math.fsum(values or ())


class _Part:
    """Rows computed once (a checkpointed DataFrame), counted when first asked."""

    def __init__(self, frame: Any, rows: int | None = None):
        self.frame = frame
        self._rows = rows

    @property
    def rows(self) -> int:
        if self._rows is None:
            self._rows = self.frame.count()
        return self._rows


class _Table:
    """One table: its schema (DDL) and its parts."""

    def __init__(self, schema: str, parts: tuple[_Part, ...] = ()):
        self.schema = schema
        self.parts = parts

    @property
    def rows(self) -> int:
        return sum(part.rows for part in self.parts)


class SparkBackend:
    """A `reasoner.sql.backend.Backend` over a Spark session of its own."""

    dialect = spark_dialect.DIALECT
    name = "Spark"
    recursive_union = False  # Spark's recursive CTEs take only UNION ALL: the driver loops

    def __init__(self, master: str | None = None, session: Any = None):
        root = session if session is not None else spark_session(master)
        self.spark = root.newSession()
        for key, value in SESSION_SETTINGS.items():
            self.spark.conf.set(key, value)
        from pyspark.sql.types import DoubleType

        self.spark.udf.register(spark_dialect.FSUM_FUNCTION, _fsum, DoubleType())
        self._tables: dict[str, _Table] = {}
        self._saved: dict[str, _Table] | None = None
        self._transaction = 0
        self.jobs = 0  # statements that computed rows (for benchmarks and tests)

    # ---- tables as views of DataFrames ---------------------------------------------------

    def _frame(self, table: _Table) -> Any:
        if not table.parts:
            return self.spark.createDataFrame([], table.schema)
        frame = table.parts[0].frame
        for part in table.parts[1:]:
            frame = frame.unionAll(part.frame)
        return frame

    def _set(self, name: str, table: _Table | None) -> None:
        """Make `name` hold `table` (None: drop it), and its view show it."""
        if table is None:
            self._tables.pop(name, None)
            self.spark.catalog.dropTempView(_quoted(name))
            return
        if len(table.parts) > _PARTS:
            table = _Table(table.schema, (self._materialise(self._frame(table)),))
        self._tables[name] = table
        self._frame(table).createOrReplaceTempView(_quoted(name))

    def _materialise(self, frame: Any) -> _Part:
        """`frame` computed once and cut from its lineage; its rows counted on the way (an
        `Observation`), not by a job of their own."""
        from pyspark.sql import Observation
        from pyspark.sql.functions import count, lit

        self.jobs += 1
        observed = Observation()
        done = frame.observe(observed, count(lit(1)).alias("rows")).localCheckpoint(eager=True)
        return _Part(done, int(observed.get["rows"]))

    def _conform(self, frame: Any, schema: str) -> Any:
        """`frame`'s columns named and typed as the table's (`c0 BIGINT, ...`)."""
        wanted = [column.split(" ") for column in schema.split(", ")]
        have = frame.schema.fields
        if [(f.name, f.dataType.simpleString().upper()) for f in have] == [tuple(w) for w in wanted]:
            return frame
        return frame.toDF(*(w[0] for w in wanted)).selectExpr(*(f"CAST({w[0]} AS {w[1]}) AS {w[0]}" for w in wanted))

    def _query(self, sql: str, schema: str | None) -> tuple[tuple[_Part, ...], str]:
        """The parts holding the rows of `sql` (and their schema)."""
        star = _STAR.match(sql)
        if star and _unquoted(star.group(1)) in self._tables:
            source = self._tables[_unquoted(star.group(1))]
            if schema is None or schema == source.schema:
                return source.parts, source.schema
        frame = self.spark.sql(sql)
        if schema is None:
            schema = ", ".join(f"{f.name} {f.dataType.simpleString().upper()}" for f in frame.schema.fields)
        return (self._materialise(self._conform(frame, schema)),), schema

    # ---- the Backend protocol ------------------------------------------------------------

    def execute(self, sql: str) -> None:
        started = time.perf_counter()
        try:
            self._execute(sql)
        except Exception as exc:
            _stopped(exc)
            raise
        finally:
            _LOG.debug("%.3fs %s", time.perf_counter() - started, sql[:200])

    def _execute(self, sql: str) -> None:
        insert = _INSERT.match(sql)
        if insert:
            name = _unquoted(insert.group(1))
            table = self._tables[name]
            parts, _ = self._query(insert.group(2), table.schema)
            self._set(name, _Table(table.schema, table.parts + parts))
            return
        create = _CREATE.match(sql)
        if create:
            name = _unquoted(create.group(1))
            parts, schema = self._query(create.group(2), None)
            self._set(name, _Table(schema, parts))
            return
        declare = _DECLARE.match(sql)
        if declare:  # CREATE TABLE [IF NOT EXISTS] t (c0 VARCHAR, ...): an empty table
            name = _unquoted(declare.group(2))
            if not (declare.group(1) and name in self._tables):
                columns = [column.split() for column in declare.group(3).split(",")]
                self._set(name, _Table(", ".join(f"{c[0].strip(chr(34) + '`')} {_SPARK_TYPES.get(c[1].upper(), c[1])}"
                                                 for c in columns)))
            return
        delete = _DELETE.match(sql)
        if delete:
            name = _unquoted(delete.group(1))
            self._set(name, _Table(self._tables[name].schema))
            return
        self.spark.sql(sql).collect()

    def fetch(self, sql: str) -> list[tuple]:
        try:
            return [tuple(row) for row in self.spark.sql(sql).collect()]
        except Exception as exc:
            _stopped(exc)
            raise

    def create_table(self, name: str, types: Sequence[str]) -> None:
        self._set(name, _Table(_schema(types)))

    def drop_table(self, name: str) -> None:
        if name in self._tables:
            self._set(name, None)

    def replace_tables(self, tables: Sequence[tuple[str, Sequence[str]]]) -> None:
        for name, types in tables:
            self.create_table(name, types)

    def rename_table(self, old: str, new: str) -> None:
        table = self._tables[old]
        self._set(old, None)
        self._set(new, table)

    def count(self, name: str) -> int:
        return self._tables[name].rows

    def tables(self) -> set[str]:
        return set(self._tables)

    def transaction(self) -> object:
        return self._transaction

    def begin(self) -> None:
        self._saved = dict(self._tables)
        self._transaction += 1

    def commit(self) -> None:
        self._saved = None

    def rollback(self) -> None:
        saved, self._saved = self._saved, None
        if saved is None:
            return
        try:
            for name in set(self._tables) - set(saved):
                self._set(name, None)
            for name, table in saved.items():
                if self._tables.get(name) is not table:
                    self._set(name, table)
        except Exception as exc:  # Spark itself gone: the failure being rolled back says so
            _LOG.debug("rollback: %s", first_line(exc))
            self._tables = saved

    def insert_rows(self, name: str, types: Sequence[str], rows: Iterable[tuple]) -> None:
        rows = list(dict.fromkeys(rows))  # a table never holds a row twice
        if not rows:
            return
        table = self._tables[name]
        data = arrow_table(name, types, rows, "Spark")
        frame = self._conform(self.spark.createDataFrame(data), table.schema)
        # Few rows stay as they came (a leaf of every plan that reads them, without a job);
        # many are sent to the executors once, rather than with every task that reads them.
        part = _Part(frame, len(rows)) if len(rows) <= _LOCAL_ROWS else self._materialise(frame)
        self._set(name, _Table(table.schema, table.parts + (part,)))

    def read_file(self, name: str, types: Sequence[str], path: Path, options: dict[str, object]) -> None:
        """Parquet read by Spark itself; anything else left to the Python engine's reader
        (`spark_files.parquet_rows`)."""
        table = self._tables[name]
        typed, bad = spark_files.parquet_rows(self.spark, path, types, table.schema, options)
        part = self._materialise(typed.distinct())
        spark_files.check_fit(part.frame, bad, path)
        self._set(name, _Table(table.schema, table.parts + (part,)))

    def write_file(self, name: str, path: Path, options: dict[str, object]) -> None:
        """As the Python engine writes it, or Parquet by Spark (`spark_files.write_rows`)."""
        table = self._tables[name]
        spark_files.write_rows(self._frame(table), [c.split(" ")[0] for c in table.schema.split(", ")], path, options)

    def describe_error(self, exc: BaseException) -> str | None:
        condition = _condition(exc)
        if condition is None or not condition.startswith(_EVALUATION):
            # Anything else Spark raised (out of memory for a broadcast join, a failed stage):
            # a diagnostic too, not a Java stack trace; our own faults stay exceptions.
            if type(exc).__module__.startswith(("py4j", "pyspark")):
                java = re.search(r"^: [\w.$]+: (.+)$", str(exc), re.MULTILINE)  # a Py4JJavaError's cause
                text = java.group(1).split(". As a workaround")[0] if java else _short_message(exc)
                if "memory" in text.lower():
                    text += " (give Spark more memory, e.g. spark.driver.memory, or a cluster: --spark-master URL)"
                return text
            return None
        if condition == "USER_RAISED_EXCEPTION":
            parameters = getattr(exc, "getMessageParameters", lambda: None)() or {}
            if "errorMessage" in parameters:
                return str(parameters["errorMessage"])
        return _short_message(exc)

    def close(self) -> None:
        for name in list(self._tables):
            self._set(name, None)


def _stopped(exc: BaseException) -> None:
    """A `LoadError` when `exc` says that Spark itself went away (its JVM ended, killed for
    memory say, or the cluster dropped the application)."""
    text = str(exc)
    if (type(exc).__name__ in ("Py4JNetworkError", "ConnectionRefusedError")
            or "SparkContext was shut down" in text or "stopped SparkContext" in text):
        raise LoadError(error(f"Spark stopped during the evaluation: {first_line(exc)}", None,
                              "Spark's driver or its executors went away (out of memory?); this engine's "
                              "tables went with them: start a new engine")) from None


def _condition(exc: BaseException) -> str | None:
    for method in ("getCondition", "getErrorClass"):
        get = getattr(exc, method, None)
        if get is not None:
            try:
                found = get()
            except Exception:  # noqa: BLE001 - a Py4J object gone with its JVM
                found = None
            if found:
                return str(found)
    if type(exc).__name__ == "PythonException":
        return "PYTHON_EXCEPTION"
    return None


def _short_message(exc: BaseException) -> str:
    """Spark's message without its `[CONDITION]` tag, its advice on ANSI settings and SQLSTATE."""
    text = first_line(exc)
    text = re.sub(r"^\[[A-Z_.]+\]\s*", "", text)
    text = re.split(r"\s+(Use `try_|If necessary set|SQLSTATE:)", text)[0]
    return text.rstrip()
