"""The hand-written DuckDB SQL peer: input facts into DuckDB tables, the SQL files of
benchmarks/sql/ run one statement at a time, relations read back as Python sets.

`connect(facts, schemas)` builds an in-memory database whose tables hold the rows of `facts`
(through Arrow tables, not row by row), with the columns and types of the relations' schemas
(symbol -> VARCHAR, date -> DATE, number -> BIGINT, float -> DOUBLE); `run_files` executes the
rule-library translation (base, hostility, responses, escalation, in that order); `relation`
reads a table back as a set of tuples, comparable with `Engine.relation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"
LIBRARY_FILES = ("base.sql", "hostility.sql", "responses.sql", "escalation.sql")
SQL_TYPES = {"symbol": "VARCHAR", "date": "DATE", "number": "BIGINT", "unsigned": "UBIGINT",
             "float": "DOUBLE"}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(facts: Mapping[str, Iterable[tuple]], schemas: Mapping, database: str = ":memory:"):
    """A DuckDB connection with one table per schema, holding the rows of `facts` (missing
    relations are empty). `schemas` maps names to `RelationSchema`s."""
    import duckdb
    import pyarrow as pa

    connection = duckdb.connect(database)
    for name, schema in schemas.items():
        columns = ", ".join(f"{_quoted(c)} {SQL_TYPES[b]}" for c, b in zip(schema.columns, schema.bases))
        connection.execute(f"CREATE OR REPLACE TABLE {_quoted(name)} ({columns})")
        rows = list(facts.get(name, ()))
        if rows:
            arrow = pa.table({c: list(values) for c, values in zip(schema.columns, zip(*rows))})
            connection.register("h_bench_rows", arrow)
            connection.execute(f"INSERT INTO {_quoted(name)} SELECT * FROM h_bench_rows")
            connection.unregister("h_bench_rows")
    return connection


def statements(path: Path) -> list[str]:
    """The statements of a SQL file (split at the semicolons that end a line)."""
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("--"))
    return [part.strip() for part in text.split(";\n") if part.strip().rstrip(";")]


def run_files(connection, files: Iterable[str] = LIBRARY_FILES) -> None:
    """Execute the SQL files of benchmarks/sql/ named `files`, in order."""
    for name in files:
        for statement in statements(SQL_DIR / name):
            connection.execute(statement)


def relation(connection, name: str) -> set[tuple]:
    return set(connection.execute(f"SELECT * FROM {_quoted(name)}").fetchall())


def size(connection, name: str) -> int:
    return connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]
