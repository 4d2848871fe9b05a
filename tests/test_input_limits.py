"""Awkward input: encodings, very long lines, very many facts, values out of range (issue 8)."""

from __future__ import annotations

import pytest

from reasoner import Engine, LoadError, ReasonerError
from reasoner.cli import main


def test_a_rule_file_that_is_not_utf8_is_reported_at_the_byte(tmp_path):
    path = tmp_path / "latin1.dl"
    path.write_bytes('.decl p(x: symbol)\np("Caf\xe9").\n'.encode("latin-1"))
    engine = Engine()
    with pytest.raises(LoadError) as caught:
        engine.load(path)
    diagnostic = caught.value.diagnostics[0]
    assert "not UTF-8 (byte 0xe9)" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (2, 7)
    assert engine.relations() == {}


def test_a_fact_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "p.facts").write_bytes(b"ok\nbad\xff\n")
    engine = Engine(fact_dir=tmp_path)
    with pytest.raises(LoadError) as caught:
        engine.load_text(".decl p(x: symbol)\n.input p\n")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.file.endswith("p.facts") and (diagnostic.line, diagnostic.column) == (2, 4)
    assert engine.relations() == {}


def test_a_one_megabyte_line_loads_and_errors_on_it_show_a_window(tmp_path):
    long_symbol = "x" * 1_000_000
    engine = Engine()
    engine.load_text(f'.decl p(x: symbol)\np("{long_symbol}").\n')
    assert engine.relation("p") == {(long_symbol,)}
    with pytest.raises(ReasonerError) as caught:
        engine.load_text(f'.decl q(x: symbol)\nq(Z) :- p("{long_symbol}"), Z = Y.', name="long.dl")
    rendered = str(caught.value)
    assert "long.dl:2:1000020: error: variable `Y` is not grounded" in rendered
    assert max(len(line) for line in rendered.splitlines()) < 400  # the line is cut around the caret


def test_a_million_facts_in_a_fact_file(tmp_path):
    with (tmp_path / "e.facts").open("w", encoding="utf-8") as handle:
        for i in range(1_000_000):
            handle.write(f"{i}\t{i + 1}\n")
    engine = Engine(fact_dir=tmp_path)
    engine.load_text(".decl e(x: number, y: number)\n.input e\n"
                     ".decl last(x: number)\nlast(Y) :- e(_, Y), !e(Y, _).\n")
    assert engine.size("e") == 1_000_000
    assert engine.relation("last") == {(1_000_000,)}


def test_a_fact_row_with_the_wrong_number_of_columns_names_file_line_and_counts(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "e.facts").write_text("1\t2\n3\n", encoding="utf-8")
    (tmp_path / "prog.dl").write_text(".decl e(x: number, y: number)\n.input e\n", encoding="utf-8")
    assert main(["run", "prog.dl", "-F", ".", "-D", "-"]) == 1
    err = capsys.readouterr().err
    assert "e.facts:2:1: error: expected 2 columns for `e`, found 1" in err


@pytest.mark.parametrize("column_type, value, message", [
    ("number", "2147483648", "out of range for number"),
    ("number", "-2147483649", "out of range for number"),
    ("unsigned", "-1", "out of range for unsigned"),
    ("float", "1.2.3", "is not a float"),
    ("date", "2025-02-30", "not a valid date"),
])
def test_values_out_of_range_for_their_type(tmp_path, column_type, value, message):
    (tmp_path / "v.facts").write_text(f"{value}\n", encoding="utf-8")
    engine = Engine(fact_dir=tmp_path)
    with pytest.raises(LoadError) as caught:
        engine.load_text(f".decl v(x: {column_type})\n.input v\n")
    assert message in str(caught.value)
    assert engine.relations() == {}


def test_add_facts_rejects_values_of_the_wrong_type_and_adds_nothing():
    engine = Engine()
    engine.load_text(".decl v(x: number, s: symbol)\n")
    with pytest.raises(LoadError):
        engine.add_facts("v", [(1, "a"), ("two", "b")])
    assert engine.relation("v") == set()
