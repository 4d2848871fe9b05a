"""The shipped rule library (rules/*.dl) gives the same relations, every one of them, on the
DuckDB backend as on the Python engine: on the shipped corpus (corpus/), and on generated
events (the benchmarks' generator, a few thousand events) added with `add_facts`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.engine import event_schemas  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
EVENTS = 3_000


def test_rule_library_on_the_corpus() -> None:
    python = Engine()
    python.load(ROOT / "rules", ROOT / "corpus")
    sql = Engine(backend="duckdb")
    sql.load(ROOT / "rules", ROOT / "corpus")
    found = differences(python, sql)
    assert not found, short(found)
    assert sql.size("event") == python.size("event") > 0


def test_rule_library_alone() -> None:
    """The library without events: the event relations are used but typed by nothing (no
    declaration, no facts), and their tables are made all the same; the same warnings and
    (mostly empty) relations as the Python engine."""
    python, sql = Engine(), Engine(backend="duckdb")
    warnings = [engine.load(ROOT / "rules") for engine in (python, sql)]
    assert [w.message for w in warnings[0]] == [w.message for w in warnings[1]]
    found = differences(python, sql)
    assert not found, short(found)


def test_rule_library_on_generated_events() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generated_events import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    facts = generate(EVENTS)
    engines = []
    for backend in ("python", "duckdb"):
        engine = Engine(backend=backend)
        for schema in event_schemas().values():
            engine.add_schema(schema)
        for name, rows in facts.items():
            engine.add_facts(name, rows)
        engine.load(ROOT / "rules")
        engines.append(engine)
    python, sql = engines
    found = differences(python, sql)
    assert not found, short(found)
    assert sql.size("escalation_step") == python.size("escalation_step") > 0


@pytest.mark.parametrize("probe", [True, False], ids=["probing", "except"])
def test_an_added_event_continues_the_evaluation(probe: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new event (and a new actor) after the library was evaluated on the corpus: the DuckDB
    backend continues its evaluation (`Driver.update`) to the Python engine's relations, whether
    the rows gained are found by probing each relation (`Driver.unseen`) or by `EXCEPT`."""
    import datetime

    from reasoner.sql import driver

    monkeypatch.setattr(driver, "PROBE_ROWS", 0 if probe else 10**12)
    monkeypatch.setattr(driver, "PROBE_RATIO", 0)
    probed = []
    unseen = driver.Driver.unseen

    def recording(self, query, head, feeding):
        sql = unseen(self, query, head, feeding)
        probed.append("SEMI JOIN" in sql)
        return sql

    monkeypatch.setattr(driver.Driver, "unseen", recording)
    engines = []
    for backend in ("python", "duckdb"):
        engine = Engine(backend=backend)
        engine.load(ROOT / "rules", ROOT / "corpus")
        engine.add_facts("actor", [("XYZ", "Xyz", "state")])
        engine.add_facts("event", [("added1", datetime.date(2025, 3, 1), datetime.date(2025, 3, 1), "RUS",
                                    "impose_sanctions", "XYZ")])
        engines.append(engine)
    python, sql = engines
    found = differences(python, sql)
    assert not found, short(found)
    assert ("added1",) in {row[:1] for row in sql.relation("event")}
    assert probed and all(probed) if probe else not any(probed)
