"""`.input` made robust (issue 16): unknown options are errors with a did-you-mean; Soufflé's
`columns=`, `rfc4180=true`, `compress=true` and `IO=stdin`; files streamed; a row of the wrong
width reported once with file:line."""

from __future__ import annotations

import gzip
import io

import pytest

from reasoner import Engine, LoadError
from reasoner.cli import main


def test_an_unknown_option_is_an_error_with_a_did_you_mean(tmp_path):
    (tmp_path / "r.facts").write_text("a\tb\n", encoding="utf-8")
    engine = Engine(fact_dir=tmp_path)
    with pytest.raises(LoadError) as caught:
        engine.load_text('.decl r(x: symbol, y: symbol)\n.input r(delimeter=",")\n', name="p.dl")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.message == "unknown option `delimeter` for `.input r`"
    assert diagnostic.hint.startswith("did you mean `delimiter`?")
    assert (diagnostic.file, diagnostic.line) == ("p.dl", 2)
    assert engine.relations() == {}


def test_columns_picks_fields_counted_from_zero(tmp_path):
    (tmp_path / "r.csv").write_text("x,1,ignored,a\ny,2,ignored,b\n", encoding="utf-8")
    engine = Engine(fact_dir=tmp_path)
    engine.load_text('.decl r(a: symbol, b: symbol)\n.input r(filename="r.csv", delimiter=",", columns="3:0")\n')
    assert engine.relation("r") == {("a", "x"), ("b", "y")}
    with pytest.raises(LoadError, match="names 1 field, but `s` has 2 columns"):
        engine.load_text('.decl s(a: symbol, b: symbol)\n.input s(filename="r.csv", delimiter=",", columns="1")\n')


def test_rfc4180_reads_quoted_fields(tmp_path):
    (tmp_path / "r.csv").write_text('"a, with comma",1\n"say ""hi""",2\n"two\nlines",3\n', encoding="utf-8")
    engine = Engine(fact_dir=tmp_path)
    engine.load_text('.decl r(a: symbol, n: number)\n.input r(filename="r.csv", delimiter=",", rfc4180=true)\n')
    assert engine.relation("r") == {("a, with comma", 1), ('say "hi"', 2), ("two\nlines", 3)}


def test_compress_reads_gzip(tmp_path):
    (tmp_path / "r.facts.gz").write_bytes(gzip.compress(b"a\t1\nb\t2\n"))
    engine = Engine(fact_dir=tmp_path)
    engine.load_text('.decl r(a: symbol, n: number)\n.input r(filename="r.facts.gz", compress=true)\n')
    assert engine.relation("r") == {("a", 1), ("b", 2)}
    (tmp_path / "cut.gz").write_bytes(gzip.compress(b"a\t1\n" * 1000)[:40])
    with pytest.raises(LoadError, match="not a complete gzip file"):
        engine.load_text('.decl c(a: symbol, n: number)\n.input c(filename="cut.gz", compress=true)\n')


def test_io_stdin(tmp_path, monkeypatch, capsys):
    (tmp_path / "prog.dl").write_text(".decl r(a: symbol, n: number)\n.input r(IO=stdin)\n.output r(IO=stdout)\n",
                                      encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"a\t1\nb\t2\n")))
    assert main(["run", str(tmp_path / "prog.dl"), "-D", "-"]) == 0
    assert "a\t1\nb\t2\n" in capsys.readouterr().out


def test_rows_of_the_wrong_width_are_reported_once(tmp_path):
    (tmp_path / "e.facts").write_text("1\t2\n3\n4\t5\n6\n7\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        Engine(fact_dir=tmp_path).load_text(".decl e(x: number, y: number)\n.input e\n")
    diagnostics = caught.value.diagnostics
    assert len(diagnostics) == 1
    assert diagnostics[0].message == "expected 2 columns for `e`, found 1 (3 rows of " \
        f"{tmp_path / 'e.facts'} have the wrong number of columns)"
    assert diagnostics[0].line == 2 and diagnostics[0].hint.count("signature") == 1


def test_fact_files_are_streamed(tmp_path, monkeypatch):
    (tmp_path / "r.facts").write_text("".join(f"{i}\n" for i in range(1000)), encoding="utf-8")
    monkeypatch.setattr("reasoner.files.read_bytes", None)  # nothing reads the file whole
    engine = Engine(fact_dir=tmp_path)
    engine.load_text(".decl r(x: number)\n.input r\n")
    assert engine.size("r") == 1000
