from __future__ import annotations

import datetime as dt
from pathlib import Path

from reasoner.events import lower, parse_events
from reasoner.events.schema import RELATIONS, decls, markdown_table
from reasoner.source import SourceText

from tests.events.test_corpus import corpus_sources

PYTHON_TYPES = {"symbol": str, "number": int, "float": float, "date": dt.date}


def test_decls() -> None:
    lines = decls()
    assert ".decl event(id: symbol, start: date, end: date, actor: symbol, verb: symbol, target: symbol)" in lines
    assert len(lines) == len(RELATIONS) == len({r.name for r in RELATIONS})


def test_docs_contain_the_schema_table() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "events.md"
    assert markdown_table() in doc.read_text(encoding="utf-8")


def test_lowered_facts_fit_the_schema() -> None:
    result = lower([parse_events(s) for s in corpus_sources()])
    assert set(result.facts) == {r.name for r in RELATIONS}
    for relation in RELATIONS:
        for row in result.facts[relation.name]:
            assert len(row) == relation.arity
            for value, column in zip(row, relation.columns):
                assert type(value) is PYTHON_TYPES[column.type], (relation.name, row)
    for key in result.origins:
        assert key[1] in result.facts[key[0]]
