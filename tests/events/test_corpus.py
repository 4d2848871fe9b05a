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


TOPICS = {
    "sanctions", "ceasefire", "summit", "negotiations", "peace_plan", "prisoners", "children",
    "weapons", "normalization", "embassies", "territory", "wars",
}


def test_corpus_v2_framing(corpus) -> None:
    """Issue 13, "Corpus v2": attribution, modality, duplicates and causal links as the articles
    give them."""
    facts = corpus[1].facts
    events = {r[0]: r for r in facts["event"]}
    attribution = {r[0]: (r[1], r[2]) for r in facts["attribution"]}
    modality = {r[0]: r[1] for r in facts["modality"]}
    # Russian statements about the US cancellation are Russia's voice, not US acts.
    assert events["putin_says_postponed"][3] == "RUS"
    assert attribution["putin_says_postponed"] == ("speaker", "putin")
    assert modality["putin_says_postponed"] == "likely"
    assert events["peskov_not_cancelled"][3] == "RUS"
    assert attribution["peskov_not_cancelled"] == ("speaker", "peskov")
    # An intention to send missiles is verbal; Trump's forecast of talks is a US statement.
    assert events["more_missiles_for_kyiv"][4] == "express_intent_to_provide_military_aid"
    assert events["trump_predicts_talks"][3] == "USA" and modality["trump_predicts_talks"] == "likely"
    # Reported, anonymous and editorial statements.
    assert attribution["rus_demands_withdrawal"] == ("anonymous", "")
    assert modality["rus_demands_withdrawal"] == "reported"
    assert attribution["putin_sabotaged_ceasefire"] == ("outlet", "Babel")
    assert attribution["us_sanctions_relief_plan"] == ("actor", "REUTERS")
    # The duplicate Peskov remark, and the ultimatum's threat stated again.
    assert ("sanctions_complicate_ties", "ties_harmed") in facts["same_as"]
    assert ("trump_threatens_sanctions", "trump_50_days") in facts["same_as"]
    # "caused by" / "outcome of" are causal links, not responses.
    causal = {
        ("us_pauses_military_aid", "oval_office_clash"), ("embassies_curtailed", "special_operation"),
        ("exchange_agreed_1000", "istanbul_round_1"), ("exchanges_1000_done", "exchange_agreed_1000"),
        ("exchange_agreed_all_for_all", "istanbul_round_2"),
    }
    assert causal <= set(facts["caused_by"])
    assert not causal & set(facts["responds_to"])


def test_corpus_v2_dates_and_actors(corpus) -> None:
    import datetime as dt

    facts = corpus[1].facts
    events = {r[0]: r for r in facts["event"]}
    precision = dict(facts["date_precision"])
    # 001 gives only weekdays: its calendar dates come from outside and are approximate.
    for statement in ("trump_50_days", "more_missiles_for_kyiv", "trump_disappointed",
                      "kremlin_talks_continue"):
        assert precision[statement] == "approximate", statement
    # 002's publisher is not TASS (where Peskov spoke); the article does not name it.
    outlets = {r[0]: r[2] for r in facts["source"]}
    assert outlets["s002"] != "TASS"
    # The background sanctions have one actor in every file.
    background = ("western_sanctions_since_2022", "sanctions_spike", "western_sanctions_waves",
                  "west_sanctions_since_2014")
    assert {events[e][3] for e in background} == {"WEST"}
    # The 2014 spiral starts with Crimea, before the first sanctions.
    assert events["crimea_annexed"][3:] == ("RUS", "occupy_territory", "UKR")
    assert events["crimea_annexed"][2] < events["west_sanctions_since_2014"][1] + dt.timedelta(days=31)
    assert ("west_sanctions_since_2014", "crimea_annexed") in facts["responds_to"]
    # Every topic is one of the controlled set.
    topics = {value for event, key, value in facts["event_arg"] if key == "topic"}
    assert topics <= TOPICS, topics - TOPICS


def test_corpus_v2_conditions(corpus) -> None:
    facts = corpus[1].facts
    preconditions = {r[0]: r for r in facts["precondition"]}
    # Putin's warning is a conditional threat, not a precondition with the goal "attack Ukraine".
    assert not [r for r in facts["precondition"] if r[5] == "attack"]
    assert ("strong_response", "threat", "RUS", "UKR") in {r[:4] for r in facts["conditional"]}
    assert ("strong_response", "UKR", "attack", "RUS") in facts["conditional_if"]
    assert ("strong_response", "RUS", "attack", "UKR") in facts["conditional_then"]
    # Trump's terms for rescheduling are an offer.
    assert ("summit_if_deal", "offer", "USA", "RUS") in {r[:4] for r in facts["conditional"]}
    # The ceasefire has preconditions (001 and 004).
    ceasefire = {c for c, r in preconditions.items() if r[5] == "ceasefire"}
    assert {"putin_ceasefire_conditions", "ceasefire_needs_withdrawal"} <= ceasefire
    # A negative condition: no NATO membership.
    assert ("memorandum_no_nato", "requirement") in facts["pattern_negated"]
    # Alignments: arming Ukraine concerns Russia.
    kinds = {(r[0], r[1], r[2]) for r in facts["alignment"]}
    assert {("USA", "UKR", "aligned"), ("RUS", "UKR", "opposed")} <= kinds
