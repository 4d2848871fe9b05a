"""The fast reading of plain GDELT imports (reasoner/datasets/gdelt_bulk.py) gives exactly the
facts, spans and report of the exact reading (`Gdelt1.parse` then `FactSink.add`), on the
samples, on rows that repeat values the exact reading has seen, and on every kind of bad row."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.datasets import ImportOptions, read_dataset
from reasoner.datasets.gdelt import Gdelt1

FIXTURES = Path(__file__).parent / "fixtures"
GDELT = FIXTURES / "gdelt-v1-events-sample.csv"

pytest.importorskip("pycountry")


def both(monkeypatch, format: str, paths: list[Path], options: ImportOptions) -> tuple:
    """(facts, spans, report) of the fast reading, then of the exact one."""
    results = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(Gdelt1, "bulk", lambda self, sink: None)
            imported = read_dataset(format, paths, options)
        results.append((imported.sink.facts, imported.sink.spans, imported.sink.actors, imported.report))
    return tuple(results)


def changed(fields: list[str], number: int, **columns: str) -> str:
    row = list(fields)
    row[0] = str(number)
    for column, value in columns.items():
        row[int(column.removeprefix("c"))] = value
    return "\t".join(row)


def test_the_sample_twice_over(monkeypatch, tmp_path: Path) -> None:
    """The second copy of each row is read by the fast path (its values were all seen)."""
    twice = tmp_path / "twice.csv"
    lines = GDELT.read_text(encoding="utf-8").splitlines()
    twice.write_text("\n".join(lines + [changed(line.split("\t"), 900_000_000 + i) for i, line in
                                        enumerate(lines)]) + "\n", encoding="utf-8")
    fast, exact = both(monkeypatch, "gdelt1", [twice], ImportOptions())
    assert fast == exact
    assert fast[3].kept == 2 * 667 and fast[3].skipped == {"no actor (Actor1 empty)": 86}


def test_gdelt2(monkeypatch) -> None:
    fast, exact = both(monkeypatch, "gdelt2", [FIXTURES / "gdelt2-events.csv"] * 2, ImportOptions())
    assert fast == exact and fast[3].kept == 8


def test_bad_rows_after_good_ones(monkeypatch, tmp_path: Path) -> None:
    """Bad rows whose other values are known: each is left to the exact reading, which reports
    it; an actor named only by a bad row gets no `actor` fact."""
    fields = GDELT.read_text(encoding="utf-8").splitlines()[0].split("\t")
    rows = [changed(fields, 1), changed(fields, 2),
            changed(fields, 3, c1="20160231"),  # invalid date
            changed(fields, 4, c26="999"),  # unknown code
            changed(fields, 5, c31="many"),  # mentions not a number
            changed(fields, 6, c30="high"),  # Goldstein not a number
            changed(fields, 7, c15="FRA", c17="FRA", c7="XYZ"),  # unknown country, a new target
            changed(fields, 8, c15="DEU", c17="DEU", c16="GERMANY"),  # a new target, fine
            "\t".join(fields[:40]),  # wrong width
            changed(fields, 9, c5="", c7=""),  # no Actor1
            changed(fields, 2),  # the same event again
            changed(fields, 10, c5="CHN", c6="CHINA", c7="CHN", c30="high"),  # new actor, bad row
            changed(fields, 11, c5="CHN", c6="CHINA", c7="CHN"),  # ... then in a good one
            changed(fields, 12, c15="JPN", c16="JAPAN", c17="JPN", c30="high"),  # new target, bad row
            changed(fields, 13, c15="JPN", c16="JAPAN", c17="JPN")]  # ... then in a good one
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    fast, exact = both(monkeypatch, "gdelt1", [path], ImportOptions(max_bad_rows=None))
    assert fast == exact
    facts, _, actors, report = fast
    assert report.bad == {"invalid date": 1, "unknown CAMEO event code": 1, "invalid count": 1,
                          "invalid Goldstein score": 3, "unknown country code": 1,
                          "wrong number of columns": 1}
    assert "FRA" not in actors and "DEU" in actors
    assert {row[0] for row in facts["event"]} == {"gdelt_1", "gdelt_2", "gdelt_8", "gdelt_11", "gdelt_13"}
    assert {"CHN", "JPN"} <= {row[0] for row in facts["actor"]}
