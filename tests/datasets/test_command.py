"""`reasoner import`: the summary, the `.events` file it writes (loadable with the corpus, the same
events as `Engine.load_dataset`), and errors that write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.cli import main
from reasoner.datasets.records import DEFAULTS_LEFT_OUT
from reasoner.resources import data_dir

FIXTURES = Path(__file__).parent / "fixtures"
ICEWS = FIXTURES / "icews-events-2018-sample.tab"

pytest.importorskip("pycountry")


def test_import_prints_counts(capsys) -> None:
    status = main(["import", "gdelt1", str(FIXTURES / "gdelt-v1-events-sample.csv"), "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines() == [
        "GDELT 1.0: 710 rows read from 1 file, 667 events kept, 43 skipped, 0 bad",
        "  skipped 43: no actor (Actor1 empty)",
    ]


def test_events_file_loads_with_the_corpus_and_matches_load_dataset(tmp_path: Path, capsys) -> None:
    out = tmp_path / "icews.events"
    assert main(["import", "icews", str(ICEWS), "--dyads", "RUS-USA,RUS-UKR", "-o", str(out)]) == 0
    assert "wrote 55 events" in capsys.readouterr().out
    from_file = Engine()
    from_file.load(data_dir("corpus"), out)
    direct = Engine()
    direct.load(data_dir("corpus"))
    direct.load_dataset("icews", [ICEWS], dyads=["RUS-USA", "RUS-UKR"])
    def imported(engine: Engine, relation: str) -> set:
        return {r for r in engine.relation(relation) if not str(r[0]).startswith("s0")}

    for relation in ("event", "event_arg", "evidence", "attribution", "event_status", "actor", "source"):
        assert imported(from_file, relation) == imported(direct, relation), relation
    events = {row[0] for row in direct.relation("event") if row[0].startswith("icews_")}
    for relation, default in DEFAULTS_LEFT_OUT.items():  # the statements state the defaults
        assert {r for r in from_file.relation(relation) if r[0] in events} == {(e, default) for e in events}
        assert not {r for r in direct.relation(relation) if r[0] in events}, relation


def test_a_bad_import_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bad.events"
    status = main(["import", "icews", str(FIXTURES / "icews-bad-rows.tab"), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and not out.exists()
    assert "icews-bad-rows.tab:3:10: error: bad ICEWS row: invalid date" in err
    status = main(["import", "icews", str(FIXTURES / "icews-bad-rows.tab"), "--max-bad-rows", "3",
                   "-o", str(out)])
    captured = capsys.readouterr()
    assert status == 0 and out.exists()
    assert "icews-bad-rows.tab:5:33: warning: bad ICEWS row: unknown country name 'Atlantis'" in captured.err
    assert "ICEWS: 5 rows read from 1 file, 2 events kept, 0 skipped, 3 bad" in captured.out


@pytest.mark.parametrize("format, name", [("acled", "acled-sample.csv"), ("polecat", "polecat-sample.tsv"),
                                          ("gdelt2", "gdelt2-events.csv"), ("gdelt1", "gdelt-v1-events-sample.csv")])
def test_events_file_of_every_format_loads_as_imported(tmp_path: Path, format: str, name: str) -> None:
    out = tmp_path / "out.events"
    assert main(["import", format, str(FIXTURES / name), "-o", str(out), "--no-progress"]) == 0
    from_file, direct = Engine(), Engine()
    from_file.load(out)
    direct.load_dataset(format, [FIXTURES / name])
    for relation in ("event", "event_arg", "evidence", "attribution", "actor", "source"):
        assert from_file.relation(relation) == direct.relation(relation), relation


def test_importing_again_writes_the_same_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.events", tmp_path / "second.events"
    for out in (first, second):
        assert main(["import", "gdelt1", str(FIXTURES / "gdelt-v1-events-sample.csv"), "-o", str(out),
                     "--no-progress"]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8").count("\nevent ") == 667
