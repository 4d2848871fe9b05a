"""`.input` and `.output` on the DuckDB backend: read and written by DuckDB itself, with the
Python engine's answers, files and diagnostics (issue 15)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from reasoner.engine import Engine
from reasoner.errors import ReasonerError

duckdb = pytest.importorskip("duckdb")

FILES = {
    "r.facts": "a\t1\t2020-01-02\t1.5\t7\nb\t-2\t2020-01-03\t0.1\t0\n\nc d\t+3\t2021-12-31\t-2e3\t4294967295\n",
    "q.csv": 'name,n\n"x, y",1\n"say ""hi""",2\nplain,3\n',
    "wide.txt": "0|skip|a|9|tail\n1|skip|b|8|tail|more\n",
    "bom.facts": "\ufeffa\t1\r\nb\t2\r\n",
    "hex.facts": "k\t0x10\nl\t0b11\n",
}
PROGRAM = """
.decl r(s: symbol, n: number, d: date, f: float, u: unsigned)
.input r
.decl q(s: symbol, n: number)
.input q(filename="q.csv", delimiter=",", headers=true, rfc4180=true)
.decl w(s: symbol, n: number)
.input w(filename="wide.txt", delimiter="|", columns="2:3")
.decl bom(s: symbol, n: number)
.input bom(filename="bom.facts")
.decl hex(s: symbol, n: number)
.input hex(filename="hex.facts")
.decl z(s: symbol, n: number)
.input z(filename="z.facts.gz", compress=true)
.decl out(s: symbol, n: number, d: date, f: float)
out(S, N, D, F) :- r(S, N, D, F, _).
out(S, N, 2021-01-01, 2.0) :- q(S, N).
out(S, N, 2022-02-02, 0.5) :- w(S, N).
.output out
.output q(filename="q_out.csv", delimiter=",", headers=true)
.output w(filename="w.parquet")
.output hex(filename="hex.json", format="json")
"""
RELATIONS = ("r", "q", "w", "bom", "hex", "z", "out")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    (tmp_path / "z.facts.gz").write_bytes(gzip.compress(b"zipped\t5\n"))
    (tmp_path / "p.dl").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def _engine(backend: str, folder: Path) -> Engine:
    engine = Engine(backend=backend, fact_dir=folder)
    engine.load(folder / "p.dl")
    return engine


def test_inputs_give_the_python_engines_facts(folder):
    python, sql = _engine("python", folder), _engine("duckdb", folder)
    for name in RELATIONS:
        assert sql.relation(name) == python.relation(name), name
    assert ("c d", 3, __import__("datetime").date(2021, 12, 31), -2000.0, 4294967295) in sql.relation("r")
    assert sql.relation("q") == {("x, y", 1), ('say "hi"', 2), ("plain", 3)}
    assert sql.relation("w") == {("a", 9), ("b", 8)}


def test_plain_files_do_not_pass_through_python_rows(folder, monkeypatch):
    """Only the file in a syntax the SQL path leaves to the Python reader (hex numbers) is read
    by it; the others are read by DuckDB, once, even when the program is evaluated again."""
    import reasoner.sql.database_facts as database_facts

    read = []
    original = database_facts.read_input

    def spy(directive, *args, **kwargs):
        read.append(directive.relation)
        return original(directive, *args, **kwargs)

    monkeypatch.setattr(database_facts, "read_input", spy)
    engine = _engine("duckdb", folder)
    engine.load_text(".decl extra(s: symbol)\nextra(S) :- q(S, _).")
    assert read == ["hex"]
    assert engine.size("extra") == 3


def test_outputs_are_the_python_engines_files(folder):
    for backend in ("python", "duckdb"):
        out = folder / f"out_{backend}"
        out.mkdir()
        _engine(backend, folder).write_outputs(out)
    for name in ("out.csv", "q_out.csv"):
        assert (folder / "out_duckdb" / name).read_bytes() == (folder / "out_python" / name).read_bytes(), name
    text = (folder / "out_duckdb" / "out.csv").read_text(encoding="utf-8")
    assert "b\t-2\t2020-01-03\t0.100000001\n" in text  # a float printed as Soufflé prints it
    assert (folder / "out_duckdb" / "q_out.csv").read_text(encoding="utf-8").startswith("s,n\n")  # headers: the column names


def test_parquet_and_json_outputs_and_inputs_round_trip(folder):
    out = folder / "out"
    out.mkdir()
    engine = _engine("duckdb", folder)
    engine.write_outputs(out)
    rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out / 'w.parquet'}')").fetchall()
    assert sorted(rows) == [("a", 9), ("b", 8)]
    lines = (out / "hex.json").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["n"] for line in lines) == [3, 16]
    again = Engine(backend="duckdb", fact_dir=out)
    again.load_text('.decl w(s: symbol, n: number)\n.input w(filename="w.parquet")\n'
                    '.decl hex(s: symbol, n: number)\n.input hex(filename="hex.json")\n'
                    '.decl w2(s: symbol, n: number)\n.input w2(filename="w.parquet", format="parquet")')
    assert again.relation("w") == again.relation("w2") == engine.relation("w")
    assert again.relation("hex") == engine.relation("hex")


def _error(backend: str, folder: Path, text: str) -> tuple[str, dict[str, int]]:
    engine = _engine(backend, folder)
    before = {name: engine.size(name) for name in engine.relations()}
    with pytest.raises(ReasonerError) as failed:
        engine.load_text(text, name="more.dl")
    after = {name: engine.size(name) for name in engine.relations()}
    assert after == before  # a load that fails adds nothing
    return failed.value.render(), after


@pytest.mark.parametrize("content, directive", [
    ("a\t1\nb\t2\t3\nc\t4\t5\n", ""),  # rows of the wrong width: the first, and how many
    ("a\t1\nb\tx\n", ""),  # a value that is not a number, at its line and column
    ("a\t99999999999\n", ""),  # a number out of range
    ("a,1,2\n", 'delimiter=","'),  # the hint names the delimiter
    ("a\t1\n", 'filename="missing.facts"'),  # no such file
    ("a\t1\n", "delimter=\",\""),  # an unknown option, with a did-you-mean
])
def test_bad_files_are_reported_as_by_the_python_engine(folder, content, directive):
    (folder / "bad.facts").write_text(content, encoding="utf-8")
    options = f'filename="bad.facts"{", " + directive if directive else ""}'
    if "filename=" in directive:
        options = directive
    text = f".decl bad(s: symbol, n: number)\n.input bad({options})\n.decl r2(s: symbol)\nr2(S) :- bad(S, 1)."
    expected, _ = _error("python", folder, text)
    shown, _ = _error("duckdb", folder, text)
    assert shown == expected


def test_a_parquet_file_of_the_wrong_shape_is_an_error(folder):
    duckdb.connect().execute(f"COPY (SELECT 'a' AS s, 1 AS n, 2 AS m) TO '{folder / 'three.parquet'}' (FORMAT parquet)")
    shown, _ = _error("duckdb", folder, '.decl t(s: symbol, n: number)\n.input t(filename="three.parquet")')
    assert "three.parquet has 3 columns, the relation 2" in shown and "more.dl:2:1" in shown


def test_outputs_are_replaced_whole_or_not_at_all(folder):
    out = folder / "out"
    out.mkdir()
    (out / "out.csv").write_text("previous\n", encoding="utf-8")
    (out / "q_out.csv").mkdir()  # the second output cannot be written
    engine = _engine("duckdb", folder)
    with pytest.raises(ReasonerError) as failed:
        engine.write_outputs(out)
    assert "q_out.csv" in failed.value.render()
    assert (out / "out.csv").read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(out)) == ["out.csv", "q_out.csv"]  # no temporary file left behind


def test_parquet_columns_of_the_relations_types_and_of_others(tmp_path):
    """Columns already of the relation's type (VARCHAR, INTEGER, DATE, DOUBLE) are read as they
    are, others (FLOAT, text) through text as a fact file's field; a file's repeated rows, and a
    second file's rows the relation holds already, are there once; a number beyond the 32-bit
    range of fact files is an error naming the file, and the load adds nothing."""
    connection = duckdb.connect()
    one, two, big = (tmp_path / name for name in ("one.parquet", "two.parquet", "big.parquet"))
    connection.execute(f"""COPY (SELECT * FROM (VALUES ('a', 1::INTEGER, DATE '2020-01-02', 0.5::DOUBLE, 0.1::FLOAT, '7'),
        ('a', 1::INTEGER, DATE '2020-01-02', 0.5::DOUBLE, 0.1::FLOAT, '7'),
        ('b', -2::INTEGER, DATE '2021-12-31', 2.25::DOUBLE, 1.5::FLOAT, ' 8 ')) AS t(s, n, d, x, f, u))
        TO '{one}' (FORMAT parquet)""")
    connection.execute(f"""COPY (SELECT * FROM (VALUES ('b', -2::BIGINT, DATE '2021-12-31', 2.25::DOUBLE, 1.5::FLOAT, ' 8 '),
        ('c', 3::BIGINT, DATE '2022-03-04', 1e3::DOUBLE, 2::FLOAT, '9')) AS t(s, n, d, x, f, u))
        TO '{two}' (FORMAT parquet)""")
    connection.execute(f"COPY (SELECT 'z' AS s, 4294967296::BIGINT AS n) TO '{big}' (FORMAT parquet)")
    engine = Engine(backend="duckdb", fact_dir=tmp_path)
    engine.load_text(".decl t(s: symbol, n: number, d: date, x: float, f: float, u: unsigned)\n"
                     '.input t(filename="one.parquet")\n.input t(filename="two.parquet")')
    day = __import__("datetime").date
    assert engine.relation("t") == {("a", 1, day(2020, 1, 2), 0.5, 0.1, 7), ("b", -2, day(2021, 12, 31), 2.25, 1.5, 8),
                                    ("c", 3, day(2022, 3, 4), 1000.0, 2.0, 9)}
    assert engine.size("t") == 3
    with pytest.raises(ReasonerError) as failed:
        engine.load_text('.decl big(s: symbol, n: number)\n.input big(filename="big.parquet")', name="big.dl")
    shown = failed.value.render()
    assert "1 row of" in shown and "big.parquet do not fit the relation's columns" in shown and "big.dl:2:1" in shown
    assert "big" not in engine.relations() and engine.size("t") == 3
