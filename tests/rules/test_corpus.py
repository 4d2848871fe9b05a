"""Acceptance tests of issue 4: the shipped rule library on the shipped corpus, exact answers."""

from __future__ import annotations

import datetime as dt

import pytest

from reasoner import Engine
from reasoner.resources import data_dir

LATEST = dt.date(2025, 10, 27)  # the latest date in the corpus (publication of s000)


@pytest.fixture(scope="module")
def engine() -> Engine:
    engine = Engine()
    warnings = engine.load(data_dir("rules"), data_dir("corpus"))
    assert warnings == []
    return engine


def rows(engine: Engine, goal: str, *names: str) -> set[tuple]:
    return {tuple(answer[n] for n in names) for answer in engine.query(goal)}


def test_library_files_load_alone_without_warnings() -> None:
    for name in ("time", "escalation", "talks", "deadlines"):
        engine = Engine()
        assert engine.load(data_dir("rules") / f"{name}.dl", data_dir("corpus")) == [], name


# ---- the 50-day deadline ---------------------------------------------------------------------

def test_fifty_day_deadline_due_lapsed_and_followed_by_sanctions(engine: Engine) -> None:
    assert rows(engine, "deadline_due(D, I, A, Issued, Due)", "D", "I", "A", "Issued", "Due") == {
        ("trump_50_days", "USA", "RUS", dt.date(2025, 7, 14), dt.date(2025, 9, 2))}
    assert rows(engine, "deadline_met(D, E)", "D", "E") == set()
    assert rows(engine, "deadline_maybe_met(D, E)", "D", "E") == set()
    assert rows(engine, "deadline_lapsed(D, AsOf)", "D", "AsOf") == {("trump_50_days", LATEST)}
    assert rows(engine, "deadline_status(D, AsOf, S)", "D", "AsOf", "S") == {
        ("trump_50_days", LATEST, "lapsed")}
    assert rows(engine, "deadline_consequence(D, E, Delay)", "D", "E", "Delay") == {
        ("trump_50_days", "us_oil_sanctions", 50)}
    assert rows(engine, "event(\"us_oil_sanctions\", S, _, A, V, T)", "S", "A", "V", "T") == {
        (dt.date(2025, 10, 22), "USA", "impose_sanctions", "RUS")}
    assert rows(engine, "threat_not_carried_out(D, A, V, T)", "D", "A", "V", "T") == {
        ("trump_50_days", "USA", "impose_tariffs", "RUS")}


# ---- escalation --------------------------------------------------------------------------------

def test_sanctions_and_unfriendly_act_form_an_escalation_step(engine: Engine) -> None:
    assert engine.query('escalation_step("us_oil_sanctions", "unfriendly_act")') == [{}]
    assert rows(engine, 'responds_how("unfriendly_act", S, How)', "S", "How") == {
        ("us_oil_sanctions", "explicit")}
    assert rows(engine, "escalation_step(S, R)", "S", "R") == {
        ("trump_50_days", "us_oil_sanctions"),
        ("us_oil_sanctions", "unfriendly_act"),
        ("oval_office_clash", "us_pauses_military_aid"),
        ("rus_memorandum", "zelensky_ultimatum"),
        ("west_sanctions_since_2014", "russia_condemns_sanctions"),
        ("west_sanctions_since_2014", "russia_travel_bans"),
    }


def test_us_russia_sequence_july_to_october_is_one_maximal_chain(engine: Engine) -> None:
    goal = ('escalation_sequence(F, L, N), act(F, S, _, A, _, T), act(L, _, E, _, _, _), '
            '((A = "USA", T = "RUS") ; (A = "RUS", T = "USA"))')
    assert rows(engine, goal + ", S >= 2025-07-01, E <= 2025-10-31", "F", "L", "N") == {
        ("trump_50_days", "unfriendly_act", 2)}
    assert rows(engine, 'escalation_sequence_step("trump_50_days", "unfriendly_act", S, R)', "S", "R") == {
        ("trump_50_days", "us_oil_sanctions"), ("us_oil_sanctions", "unfriendly_act")}
    # no sub-chain of it is reported
    assert rows(engine, 'escalation_sequence(F, L, N), (F = "us_oil_sanctions" ; L = "us_oil_sanctions")',
                "F", "L", "N") == set()
    assert rows(engine, "escalation_sequence(F, L, N)", "F", "L", "N") == {
        ("trump_50_days", "unfriendly_act", 2),
        ("oval_office_clash", "us_pauses_military_aid", 1),
        ("rus_memorandum", "zelensky_ultimatum", 1),
        ("west_sanctions_since_2014", "russia_condemns_sanctions", 1),
        ("west_sanctions_since_2014", "russia_travel_bans", 1),
    }


def test_istanbul_rounds_and_exchange_agreements_are_de_escalation(engine: Engine) -> None:
    goal = ('de_escalation(S, R), act(S, _, _, A, _, T), '
            '((A = "RUS", T = "UKR") ; (A = "UKR", T = "RUS"))')
    assert rows(engine, goal, "S", "R") == {
        ("istanbul_round_1", "exchange_agreed_1000"),
        ("istanbul_round_2", "exchange_agreed_all_for_all"),
        # Ukraine came to the second round after Russia's demands, threats and offer of 16-19 May
        ("rus_demands_withdrawal", "istanbul_round_2"),
        ("rus_threatens_kharkiv_sumy", "istanbul_round_2"),
        ("putin_ready_for_memorandum", "istanbul_round_2"),
    }
    assert rows(engine, 'event(E, S, _, "UKR", V, "RUS"), (E = "istanbul_round_1" ; E = "istanbul_round_2")',
                "E", "S", "V") == {
        ("istanbul_round_1", dt.date(2025, 5, 16), "negotiate"),
        ("istanbul_round_2", dt.date(2025, 6, 2), "negotiate")}
    assert rows(engine, 'event_arg(E, "topic", "prisoner_exchange")', "E") == {
        ("exchange_agreed_1000",), ("exchange_agreed_all_for_all",)}


def test_dyad_month_statistics(engine: Engine) -> None:
    answers = engine.query('dyad_month(A, T, "2025-10", N, G, Share)')
    assert [(a["A"], a["T"], a["N"], round(a["G"], 6), a["Share"]) for a in answers] == [
        ("RUS", "UKR", 1, -7.0, 1.0),
        ("RUS", "USA", 5, 4.6, 0.2),
        ("USA", "MYS", 1, 1.9, 0.0),
        ("USA", "RUS", 5, -19.7, 0.8),
    ]
    # Putin's "most likely postponed" restates the cancellation: not counted as a US act
    assert rows(engine, 'dyad_month_event("USA", "RUS", "2025-10", E)', "E") == {
        ("budapest_cancelled",), ("trump_dissatisfied",), ("us_oil_sanctions",),
        ("us_threatens_further_steps",), ("us_urges_ceasefire",)}


# ---- talks -----------------------------------------------------------------------------------

def test_russian_preconditions_for_normalization_and_next_round(engine: Engine) -> None:
    goal = ('precondition_statement(C, "RUS", Speaker, Start, End, Source, Quote), '
            'precondition_goal(C, "RUS", V, "USA"), (V = "normalize_relations" ; V = "negotiate")')
    found = rows(engine, goal, "C", "Speaker", "Start", "End", "Quote")
    march_4 = dt.date(2025, 3, 4)
    november = (dt.date(2024, 11, 11), dt.date(2024, 11, 25))
    assert found == {
        ("normalization_needs_sanctions_lifted", "peskov", march_4, march_4,
         "Russia said on Tuesday that any normalization of relations with the United States would "
         "require the lifting of sanctions against Moscow."),
        ("normalization_needs_sanctions_lifted", "peskov", march_4, march_4,
         "And, of course, if we talk about normalizing bilateral relations, they need to be freed "
         "from this negative burden of so-called sanctions."),
        ("normalization_needs_reciprocity", "peskov", *november,
         "Russia stays able to normalize relations with the US, nevertheless it must see reciprocal "
         "steps from Washington, Kremlin spokesman Dmitry Peskov has stated."),
        ("normalization_needs_reciprocity", "peskov", *november,
         "“However we can not tango alone. And we don’t intend to take action,” Peskov stated."),
        ("valdai_depends_on_us", "putin", dt.date(2024, 11, 1), dt.date(2024, 11, 10),
         "however burdened that “a lot is determined by the US, as we’ve got not broken our "
         "relationship with them, nor have we imposed restrictions or sanctions in opposition to them.”"),
        ("talks_after_us_embassy_reopens", "peskov", march_4, march_4,
         "The Kremlin also said the next round of Russia-US talks on ending the war in Ukraine is "
         "unlikely to happen before the embassies of both countries resume normal operations."),
        ("talks_after_us_embassy_reopens", "peskov", march_4, march_4,
         "\"Unlikely,\" Peskov, the press secretary of President Vladimir Putin, told RIA state news "
         "agency in response to a question whether the negotiations could start before the two "
         "countries' embassies fully reopen."),
        ("talks_after_rus_embassy_reopens", "peskov", march_4, march_4,
         "is unlikely to happen before the embassies of both countries resume normal operations"),
    }
    assert rows(engine, "as_of(D)", "D") == {(LATEST,)}
    assert rows(engine, "precondition_met(C, E)", "C", "E") == set()
    assert engine.query(f'precondition_unmet("normalization_needs_sanctions_lifted", {LATEST})') == [{}]
    assert rows(engine, "precondition_unmet(C, AsOf)", "C", "AsOf") == {
        (c, LATEST) for c in (
            "normalization_needs_sanctions_lifted", "normalization_needs_reciprocity",
            "valdai_depends_on_us", "talks_after_us_embassy_reopens",
            "talks_after_rus_embassy_reopens", "summit_needs_groundwork",
            "summit_needs_positive_outcome", "summit_only_if_deal_guaranteed",
            "response_after_longrange_attacks", "talks_unless_more_sanctions")}
    assert rows(engine, "precondition_broken(C, E)", "C", "E") == {
        ("talks_unless_more_sanctions", "us_oil_sanctions")}


def test_summit_preconditions_per_side_october_2025(engine: Engine) -> None:
    goal = ('precondition_goal(C, Side, "meet", Other), precondition_speaker(C, Speaker), '
            'precondition(C, _, S, E, _, _, _, Kind, RA, RV, RT), S >= 2025-10-01, E <= 2025-10-31')
    assert rows(engine, goal, "Side", "Other", "C", "Speaker", "Kind", "RA", "RV", "RT") == {
        ("RUS", "USA", "summit_needs_groundwork", "peskov", "requires", "RUS", "negotiate", "USA"),
        ("USA", "RUS", "summit_needs_positive_outcome", "leavitt", "requires", "RUS", "agree", "USA"),
        ("USA", "RUS", "summit_only_if_deal_guaranteed", "trump", "only_if", "RUS", "agree", "UKR"),
    }
    quotes = rows(engine, 'precondition_statement("summit_needs_groundwork", _, _, _, _, _, Q)', "Q")
    assert ("A considerable amount of groundwork needs to be laid before we can establish a "
            "foundation for such a new summit",) in quotes
    assert rows(engine, 'precondition_statement("summit_needs_positive_outcome", _, _, _, _, _, Q)', "Q") == {
        ("but they aim to ensure there is a \"concrete positive outcome.\"",)}
    assert rows(engine, 'blocked_goal(Side, "meet", Other, C, _)', "Side", "Other", "C") == {
        ("RUS", "USA", "summit_needs_groundwork"), ("USA", "RUS", "summit_needs_positive_outcome"),
        ("USA", "RUS", "summit_only_if_deal_guaranteed")}


def test_budapest_summit_status_history_and_conflicting_statements(engine: Engine) -> None:
    history = engine.query('meeting_status("budapest_summit", Start, End, Status, Statement, Speaker)')
    assert [(a["Start"], a["End"], a["Status"], a["Statement"], a["Speaker"]) for a in history] == [
        (dt.date(2025, 10, 1), dt.date(2025, 10, 31), "planned", "budapest_summit", ""),
        (dt.date(2025, 10, 20), dt.date(2025, 10, 23), "cancelled", "budapest_cancelled", "trump"),
        (dt.date(2025, 10, 20), dt.date(2025, 10, 27), "not cancelled", "peskov_not_cancelled", "peskov"),
        (dt.date(2025, 10, 20), dt.date(2025, 10, 27), "not off the table", "leavitt_not_off_table", "leavitt"),
        (dt.date(2025, 10, 23), dt.date(2025, 10, 23), "postponed", "putin_says_postponed", "putin"),
    ]
    assert rows(engine, 'evidence("leavitt_not_off_table", _, Q)', "Q") == {
        ("White House Spokeswoman Karoline Leavitt later clarified that the meeting \"is not "
         "completely off the table,\"",)}
    assert rows(engine, "conflicting_statements(M, E1, P1, S1, E2, P2, S2)",
                "M", "E1", "P1", "S1", "E2", "P2", "S2") == {
        ("budapest_summit", "budapest_cancelled", "trump", "cancelled",
         "leavitt_not_off_table", "leavitt", "not off the table"),
        ("budapest_summit", "budapest_cancelled", "trump", "cancelled",
         "peskov_not_cancelled", "peskov", "not cancelled"),
        ("budapest_summit", "budapest_cancelled", "trump", "cancelled",
         "putin_says_postponed", "putin", "postponed"),
    }
