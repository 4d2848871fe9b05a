"""The DuckDB backend's row counts (`DuckDBBackend.count`), read from what its statements
report instead of a query each: they must stay the table's true size through inserts, tables
made from a query, renames, statements it cannot read, a rollback, and rows written by others."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")

from reasoner.sql.duckdb_backend import DuckDBBackend  # noqa: E402


def true_size(backend: DuckDBBackend, name: str) -> int:
    return backend.connection.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]


def test_counts_follow_inserts_tables_from_queries_and_renames():
    backend = DuckDBBackend()
    backend.create_table("r", ("symbol", "number"))
    assert backend.count("r") == 0
    backend.insert_rows("r", ("symbol", "number"), [("a", 1), ("b", 2)])
    backend.execute('INSERT INTO "r" SELECT c0 || \'x\', c1 FROM "r"')
    assert backend.count("r") == true_size(backend, "r") == 4
    backend.execute('CREATE TABLE "r new" AS SELECT * FROM "r" WHERE c1 > 1')
    assert backend.count("r new") == 2
    backend.drop_table("r")
    backend.rename_table("r new", "r")
    assert backend.count("r") == true_size(backend, "r") == 2
    backend.insert_rows("r", ("symbol", "number"), [(f"v{i}", i) for i in range(3000)])  # through Arrow
    assert backend.count("r") == true_size(backend, "r") == 3002


def test_a_statement_it_cannot_read_and_a_rollback_forget_the_counts():
    backend = DuckDBBackend()
    backend.create_table("r", ("number",))
    backend.insert_rows("r", ("number",), [(1,), (2,), (3,)])
    backend.execute('DELETE FROM "r" WHERE c0 > 1')
    assert backend.count("r") == 1
    backend.begin()
    backend.execute('INSERT INTO "r" SELECT c0 + 10 FROM "r"')
    assert backend.count("r") == 2
    backend.rollback()
    assert backend.count("r") == 1
    backend.connection.execute('INSERT INTO "r" VALUES (7)')  # behind its back
    backend.forget_sizes()
    assert backend.count("r") == 2


def test_a_transaction_is_one_token_and_no_transaction_is_none_other():
    backend = DuckDBBackend()
    assert backend.transaction() != backend.transaction()
    backend.begin()
    first = backend.transaction()
    assert backend.transaction() == first
    backend.commit()
    backend.begin()
    assert backend.transaction() != first
    backend.rollback()
