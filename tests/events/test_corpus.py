"""The seed corpus: it parses, lowers, covers every article, and every quote is verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.events import check_citations, lower, parse_events
from reasoner.events.parser import read_raw_statements
from reasoner.resources import data_dir
from reasoner.source import SourceText

ARTICLE_IDS = ("s000", "s001", "s002", "s003", "s004")


def corpus_sources() -> list[SourceText]:
    paths = sorted(data_dir("corpus").glob("*.events"))
    return [SourceText(str(p), p.read_text(encoding="utf-8")) for p in paths]


@pytest.fixture(scope="module")
def corpus():
    files = [parse_events(s) for s in corpus_sources()]
    return files, lower(files)


def test_corpus_counts(corpus) -> None:
    _, result = corpus
    assert result.count("event") >= 60
    assert result.count("precondition") >= 6
    assert result.count("deadline") >= 1
    assert not result.warnings


def test_every_article_is_encoded(corpus) -> None:
    _, result = corpus
    sources = {row[0] for row in result.facts["source"]}
    assert sources == set(ARTICLE_IDS)
    cited_by_events = {}
    events = {row[0] for row in result.facts["event"]}
    for statement, source, _quote in result.facts["evidence"]:
        if statement in events:
            cited_by_events.setdefault(source, set()).add(statement)
    for source in ARTICLE_IDS:
        assert len(cited_by_events.get(source, ())) >= 8, source


def test_every_statement_has_evidence(corpus) -> None:
    _, result = corpus
    cited = {row[0] for row in result.facts["evidence"]}
    for relation in ("event", "precondition", "deadline"):
        for row in result.facts[relation]:
            assert row[0] in cited, row


def test_key_facts(corpus) -> None:
    import datetime as dt

    facts = corpus[1].facts
    deadline = next(r for r in facts["deadline"] if r[0] == "trump_50_days")
    assert deadline[1:3] == ("USA", "RUS")
    assert deadline[3] == dt.date(2025, 7, 14) and deadline[5] == dt.date(2025, 9, 2)
    assert deadline[6:] == ("RUS", "ceasefire", "UKR")
    assert ("trump_50_days", "USA", "impose_sanctions", "RUS") in facts["deadline_threat"]
    sanctions = next(r for r in facts["event"] if r[0] == "us_oil_sanctions")
    assert sanctions[1] == dt.date(2025, 10, 22) and sanctions[3:] == ("USA", "impose_sanctions", "RUS")
    assert ("unfriendly_act", "us_oil_sanctions") in facts["responds_to"]
    kinds = {(r[5], r[8], r[9]) for r in facts["precondition"]}
    assert ("normalize_relations", "USA", "lift_sanctions") in kinds
    assert ("normalize_relations", "USA", "normalize_relations") in kinds
    assert ("negotiate", "USA", "resume_embassy_operations") in kinds
    statuses = {r[0]: r[1] for r in facts["event_status"]}
    assert statuses["budapest_summit"] == "planned"
    assert statuses["peskov_not_cancelled"] == "denied"
    assert statuses["leavitt_not_off_table"] == "conditional"
    rounds = {r[0]: r[1] for r in facts["event"] if r[0].startswith("istanbul_round")}
    assert rounds == {"istanbul_round_1": dt.date(2025, 5, 16), "istanbul_round_2": dt.date(2025, 6, 2)}


def test_corpus_quotes_are_verbatim(corpus, articles_dir: Path) -> None:
    files, _ = corpus
    problems = check_citations(files, articles_dir)
    assert problems == [], "\n".join(p.render() for p in problems)


def test_fast_reader_agrees_with_lark_on_corpus() -> None:
    for source in corpus_sources():
        assert read_raw_statements(source, []) == read_raw_statements(source, [], fast=False)
