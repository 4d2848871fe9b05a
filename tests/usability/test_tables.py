"""Tables are for reading: compact floats, wide cells cut with `…`; CSV and JSON keep every value
whole (issue 17)."""

from __future__ import annotations

import json

from reasoner.cli import main
from reasoner.render import CELL_WIDTH, render

QUOTE = "Trump had previously given Moscow a 50-day deadline to reach a ceasefire agreement " * 3


def test_floats_print_compactly_in_tables():
    rows = [{"P": 1 / 3, "G": -2.0, "I": 4.5, "B": 123456789.5}]
    text = render(rows, ["P", "G", "I", "B"], "table")
    assert text.splitlines()[2] == "0.333333 | -2.0 | 4.5 | 1.23457e+08"


def test_wide_cells_are_cut_in_tables_only():
    rows = [{"Q": QUOTE, "P": 1 / 3}]
    line = render(rows, ["Q", "P"], "table").splitlines()[2]
    cell = line.split(" | ")[0]
    assert len(cell) == CELL_WIDTH and cell.endswith("…")
    assert render(rows, ["Q", "P"], "csv").splitlines()[1] == f"{QUOTE},0.3333333333333333"
    assert json.loads(render(rows, ["Q", "P"], "json")) == [{"Q": QUOTE, "P": 1 / 3}]


def test_query_command_table(tmp_path, capsys):
    program = tmp_path / "p.dl"
    program.write_text('.decl share(x: float)\nshare(1.0 / 3.0).\n', encoding="utf-8")
    assert main(["query", "--no-defaults", str(program), "-q", "share(X)"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "0.333333"
