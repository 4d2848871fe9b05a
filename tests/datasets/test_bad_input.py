"""Issue 16's bad input, one case each: a file of another format, a truncated `.gz`, a row with
an invalid date or code, an unknown country, an empty file, and a good file followed by a bad
one. Each is a message naming file:line with counts, and the engine is left as it was (a
GDELT import before it stays, nothing of the failed import is added)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from reasoner import Engine, LoadError

FIXTURES = Path(__file__).parent / "fixtures"
ICEWS = FIXTURES / "icews-events-2018-sample.tab"
GDELT = FIXTURES / "gdelt-v1-events-sample.csv"

pytest.importorskip("pycountry")


def gdelt_with(tmp_path: Path, line: int, column: int, value: str) -> Path:
    """The GDELT sample's first rows with column `column` (0-based) of row `line` changed."""
    rows = [row.split("\t") for row in GDELT.read_text(encoding="utf-8").splitlines()[:5]]
    rows[line - 1][column] = value
    path = tmp_path / "bad.export.CSV"
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def truncated(tmp_path: Path) -> Path:
    data = gzip.compress(GDELT.read_bytes())
    path = tmp_path / "cut.export.CSV.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def icews_unknown_country(tmp_path: Path) -> Path:
    lines = ICEWS.read_text(encoding="utf-8").splitlines()
    row = lines[1].split("\t")
    row[2] = row[4] = "Atlantis"  # Source Name, Source Country
    path = tmp_path / "atlantis.tab"
    path.write_text("\n".join([lines[0], lines[1], "\t".join(row), lines[2]]) + "\n", encoding="utf-8")
    return path


# (case, format, files, the message's first line (a regular expression), a count it states)
CASES = [
    ("another format", "gdelt1", lambda tmp: [ICEWS],
     r"icews-events-2018-sample\.tab:1:1: error: .* is not a GDELT 1\.0 file",
     "the first line has 20 tab-separated columns, not 57 or 58"),
    ("truncated gz", "gdelt1", truncated,
     r"cut\.export\.CSV\.gz:(\d+):1: error: .* is a truncated compressed file",
     "complete lines before the damage"),
    ("invalid date", "gdelt1", lambda tmp: [gdelt_with(tmp, 3, 1, "20161345")],
     r"bad\.export\.CSV:3:\d+: error: bad GDELT 1\.0 row: invalid date '20161345'",
     "1 bad row after 3 rows read"),
    ("invalid code", "gdelt1", lambda tmp: [gdelt_with(tmp, 2, 26, "2a1")],
     r"bad\.export\.CSV:2:\d+: error: bad GDELT 1\.0 row: unknown CAMEO event code '2a1'",
     "1 bad row after 2 rows read"),
    ("unknown country code", "gdelt1", lambda tmp: [gdelt_with(tmp, 4, 7, "XYZ")],
     r"bad\.export\.CSV:4:\d+: error: bad GDELT 1\.0 row: unknown country code 'XYZ'",
     "1 bad row after 4 rows read"),
    ("unknown country name", "icews", lambda tmp: [icews_unknown_country(tmp)],
     r"atlantis\.tab:3:\d+: error: bad ICEWS row: unknown country name 'Atlantis'",
     "1 bad row after 2 rows read"),
    ("empty file", "icews", lambda tmp: [FIXTURES / "empty.tab"],
     r"empty\.tab:1:1: error: .*empty\.tab is empty \(0 lines\): it has no ICEWS rows", "(0 lines)"),
    ("a good file, then a bad one", "icews", lambda tmp: [ICEWS, icews_unknown_country(tmp)],
     r"atlantis\.tab:3:\d+: error: bad ICEWS row: unknown country name 'Atlantis'",
     "1 bad row after 3,707 rows read"),
]


@pytest.mark.parametrize("case, format, files, first, count", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_message_at_file_line_and_loads_nothing(tmp_path, case, format, files, first, count):
    engine = Engine()
    engine.load_dataset("gdelt1", [GDELT])
    before = {name: set(engine.relation(name)) for name in engine.relations()}
    paths = files(tmp_path)
    with pytest.raises(LoadError) as raised:
        engine.load_dataset(format, paths if isinstance(paths, list) else [paths])
    message = raised.value.render()
    assert any(re.search(first, line) for line in message.splitlines()), message
    assert count in message
    assert "Traceback" not in message
    assert {name: set(engine.relation(name)) for name in engine.relations()} == before
