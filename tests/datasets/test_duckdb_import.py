"""GDELT files straight into DuckDB (reasoner/datasets/duckdb_import.py): the same facts as the
Python import on the samples, rows DuckDB alone holds; what it does not take (a bad row, a
filter, a .zip) is left to the Python reader before anything is written."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from reasoner.datasets import ImportOptions, read_dataset
from reasoner.datasets.duckdb_import import RELATIONS, NotInSql, import_gdelt
from reasoner.load import event_schemas
from reasoner.sql.backend import COLUMN_TYPES

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pycountry")

FIXTURES = Path(__file__).parent / "fixtures"
GDELT = FIXTURES / "gdelt-v1-events-sample.csv"


def database():
    connection = duckdb.connect()
    schemas = event_schemas()
    for name in RELATIONS:
        columns = ", ".join(f"c{i} {COLUMN_TYPES[t]}" for i, t in enumerate(schemas[name].bases))
        connection.execute(f'CREATE TABLE "{name}" ({columns})')
    return connection


def tables(connection) -> dict[str, set[tuple]]:
    return {name: set(connection.execute(f'SELECT * FROM "{name}"').fetchall()) for name in RELATIONS}


def both(format: str, paths: list[Path], known: frozenset[str] = frozenset()) -> tuple:
    connection = database()
    report = import_gdelt(connection, format, paths, ImportOptions(), known, lambda name: f'"{name}"')
    python = read_dataset(format, paths, ImportOptions(), known)
    return report, tables(connection), python.report, {name: python.sink.facts[name] for name in RELATIONS}


@pytest.mark.parametrize("format, paths", [
    ("gdelt1", [GDELT]),  # 57- and 58-column rows, rows without Actor1
    ("gdelt2", [FIXTURES / "gdelt2-events.csv"]),
    ("gdelt1", [GDELT, GDELT]),  # every event twice: kept once
])
def test_the_same_facts_as_the_python_import(format: str, paths: list[Path]) -> None:
    report, facts, python_report, python_facts = both(format, paths)
    assert facts == python_facts
    assert (report.read, report.kept, report.skipped) == (python_report.read, python_report.kept, python_report.skipped)
    assert report.facts == python_report.facts


def test_actors_the_engine_holds_get_no_fact_and_gz_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "sample.export.CSV.gz"
    packed.write_bytes(gzip.compress(GDELT.read_bytes()))
    report, facts, python_report, python_facts = both("gdelt1", [packed], frozenset({"USA", "RUS"}))
    assert facts == python_facts and report.kept == 667
    assert not {"USA", "RUS"} & {row[0] for row in facts["actor"]}


def test_importing_again_adds_nothing() -> None:
    connection = database()
    for _ in range(2):
        report = import_gdelt(connection, "gdelt1", [GDELT], ImportOptions(), frozenset(), lambda n: f'"{n}"')
    assert report.kept == 667 and report.facts == read_dataset("gdelt1", [GDELT]).report.facts
    assert tables(connection) == {name: read_dataset("gdelt1", [GDELT]).sink.facts[name] for name in RELATIONS}


def bad(tmp_path: Path, column: int, value: str) -> Path:
    rows = [line.split("\t") for line in GDELT.read_text(encoding="utf-8").splitlines()[:4]]
    rows[2][column] = value
    path = tmp_path / "bad.export.CSV"
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("column, value, why", [
    (1, "20161345", "invalid date"), (26, "999", "unknown CAMEO event code"), (7, "XYZ", "unknown country code"),
    (31, "many", "an invalid count"), (30, "high", "invalid Goldstein score"), (0, "12a", "an invalid event id"),
])
def test_a_bad_row_is_left_to_the_python_reader_and_nothing_is_written(tmp_path, column, value, why) -> None:
    connection = database()
    with pytest.raises(NotInSql, match=why):
        import_gdelt(connection, "gdelt1", [bad(tmp_path, column, value)], ImportOptions(), frozenset(),
                     lambda n: f'"{n}"')
    assert all(not rows for rows in tables(connection).values())


@pytest.mark.parametrize("options", [ImportOptions(dedupe=True), ImportOptions.of(dyads=["RUS-USA"])])
def test_filters_and_archives_are_for_the_python_reader(tmp_path: Path, options: ImportOptions) -> None:
    with pytest.raises(NotInSql):
        import_gdelt(database(), "gdelt1", [GDELT], options, frozenset(), lambda n: f'"{n}"')
    with pytest.raises(NotInSql, match="not a plain or .gz file"):
        import_gdelt(database(), "gdelt1", [tmp_path / "x.zip"], ImportOptions(), frozenset(), lambda n: f'"{n}"')


def test_outlets_whose_ids_collide_are_numbered_as_the_python_import_numbers_them(tmp_path: Path) -> None:
    rows = [line.split("\t") for line in GDELT.read_text(encoding="utf-8").splitlines()[:3]]
    for row, url in zip(rows, ["http://a.b.example/1", "https://a-b.example/2", "http://a.b.example/3"]):
        row[57] = url
    path = tmp_path / "outlets.export.CSV"
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    report, facts, _, python_facts = both("gdelt1", [path])
    assert facts == python_facts
    assert {row[0] for row in facts["source"]} == {"gdelt1_a_b_example", "gdelt1_a_b_example_2"}


# ---- Engine(backend="duckdb").load_dataset ---------------------------------------------------------
def test_the_duckdb_engine_imports_gdelt_without_python_rows() -> None:
    from reasoner import Engine

    sql, python = Engine(backend="duckdb"), Engine()
    report = sql.load_dataset("gdelt1", [GDELT])
    assert report.summary() == python.load_dataset("gdelt1", [GDELT]).summary()
    for name in (*RELATIONS, "verb"):
        assert sql.relation(name) == python.relation(name), name
    assert sql.database_facts.rows("event") == sql.relation("event")  # held by the database alone
    sql.load_text('.decl sanctions(e: symbol)\nsanctions(E) :- event(E, _, _, "USA", "impose_sanctions", "RUS").')
    assert sql.relation("sanctions") == {("gdelt_564443032",)}
    sizes = {name: sql.size(name) for name in RELATIONS}
    assert sql.load_dataset("gdelt1", [GDELT]).kept == 667  # again: nothing new
    assert {name: sql.size(name) for name in RELATIONS} == sizes


def test_the_duckdb_engine_leaves_bad_files_to_the_python_reader(tmp_path: Path) -> None:
    from reasoner import Engine, LoadError

    engine = Engine(backend="duckdb")
    engine.load_dataset("gdelt1", [GDELT])
    before = {name: engine.relation(name) for name in engine.relations()}
    with pytest.raises(LoadError, match=r"icews-bad-rows\.tab:3:10: error: bad ICEWS row: invalid date"):
        engine.load_dataset("icews", [FIXTURES / "icews-bad-rows.tab"])
    with pytest.raises(LoadError, match=r"bad\.export\.CSV:3:11: error: bad GDELT 1\.0 row: invalid date '20161345'"):
        engine.load_dataset("gdelt1", [bad(tmp_path, 1, "20161345")])
    assert {name: engine.relation(name) for name in engine.relations()} == before
    report = engine.load_dataset("icews", [FIXTURES / "icews-bad-rows.tab"], max_bad_rows=3)  # Python rows
    assert report.kept == 2 and engine.size("event") == 669


def test_crlf_line_ends_and_blank_lines_read_as_in_python(tmp_path: Path) -> None:
    text = GDELT.read_text(encoding="utf-8")
    path = tmp_path / "crlf.export.CSV"
    path.write_text(text.replace("\n", "\r\n").replace("\r\n", "\r\n\r\n", 3), encoding="utf-8", newline="")
    report, facts, python_report, python_facts = both("gdelt1", [path])
    assert facts == python_facts and (report.read, report.kept) == (python_report.read, python_report.kept) == (710, 667)
    mixed = tmp_path / "mixed.export.CSV"  # CRLF, then LF: DuckDB refuses, the Python reader reads it
    mixed.write_text(text.replace("\n", "\r\n", 400), encoding="utf-8", newline="")
    with pytest.raises(NotInSql, match="DuckDB cannot read"):
        import_gdelt(database(), "gdelt1", [mixed], ImportOptions(), frozenset(), lambda n: f'"{n}"')


def test_a_file_duckdb_refuses_inside_the_engine_is_read_by_python(tmp_path: Path) -> None:
    from reasoner import Engine

    mixed = tmp_path / "mixed.export.CSV"
    mixed.write_text(GDELT.read_text(encoding="utf-8").replace("\n", "\r\n", 400), encoding="utf-8", newline="")
    engine = Engine(backend="duckdb")
    assert engine.load_dataset("gdelt1", [mixed]).kept == 667 and engine.size("event") == 667
    assert not engine.backend.fetch("SELECT table_name FROM duckdb_tables() WHERE temporary")
