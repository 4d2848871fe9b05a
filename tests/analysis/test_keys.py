"""Every item of every analyst key (tests/analysis/keys/*.key) is one test.

The rule library (`rules/`) and a scenario folder are loaded unchanged; an item may add an as-of
date or hypothetical statements, and is then judged on its own engine (items with the same setup
share one). See keys.py for the format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.resources import data_dir
from tests.analysis.keys import Item, Key, read_key

ROOT = Path(__file__).resolve().parents[2]
KEYS = sorted((Path(__file__).parent / "keys").glob("*.key"))


def _keys() -> list[Key]:
    return [read_key(path) for path in KEYS]


def _scenario_dir(key: Key) -> Path:
    return data_dir("corpus") if key.scenario == "corpus" else ROOT / key.scenario


_engines: dict[tuple, Engine] = {}


def _engine(key: Key, item: Item) -> Engine:
    """The engine for an item's scenario and setup, built once per distinct setup."""
    cache_key = (key.scenario, *item.setup())
    if cache_key not in _engines:
        engine = Engine()
        engine.load(data_dir("rules"), _scenario_dir(key))
        if item.as_of is not None:
            engine.add_facts("as_of_setting", [(item.as_of,)])
        if item.with_events:
            engine.load_text(item.with_events, name=f"{item.key}-{item.id}.events", kind="events")
        _engines[cache_key] = engine
    return _engines[cache_key]


def _cases() -> list:
    cases = []
    for key in _keys():
        for item in key.items:
            cases.append(pytest.param(key, item, id=f"{item.key}:{item.id}"))
    return cases


@pytest.mark.parametrize(("key", "item"), _cases())
def test_key_item(key: Key, item: Item) -> None:
    answers = _engine(key, item).query(item.query)
    where = f"{item.key}.key:{item.line} ({item.why})"
    if item.kind == "must":
        assert answers, f"must hold but has no answer: {item.query}\n  {where}"
    elif item.kind == "must_not":
        assert not answers, f"must not hold but does: {item.query}\n  {answers[:5]}\n  {where}"
    else:
        assert len(answers) <= item.limit, (
            f"at most {item.limit} answers expected, got {len(answers)}: {item.query}\n  {where}")


def test_every_key_has_unique_ids_and_enough_items() -> None:
    keys = _keys()
    scenarios = [key.scenario for key in keys]
    assert "corpus" in scenarios, "the corpus has no key"
    assert len(set(scenarios) - {"corpus"}) >= 2, "two scenarios beyond the corpus need keys"
    for key in keys:
        ids = [item.id for item in key.items]
        assert len(ids) == len(set(ids)), f"{key.path.name}: repeated ids"
        minimum = 50 if key.scenario == "corpus" else 10
        assert len(key.items) >= minimum, f"{key.path.name}: {len(key.items)} items, {minimum} needed"
        kinds = {item.kind for item in key.items}
        assert {"must", "must_not"} <= kinds, f"{key.path.name}: needs both must and must_not items"
