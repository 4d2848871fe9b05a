"""Free words to a question (reasoner.questions.matching), the catalogue's checks and completion,
without a REPL."""

from __future__ import annotations

import pytest

from reasoner import Engine
from reasoner.questions.catalogue import QuestionError, read_catalogue
from reasoner.questions.request import parse_request
from reasoner.repl.completer import suggest, vocabulary_of
from reasoner.repl.table import command_table


@pytest.fixture(scope="module")
def engine():
    engine = Engine()
    engine.load("rules", "corpus")
    return engine


@pytest.fixture(scope="module")
def catalogue(engine):
    return read_catalogue(engine)


@pytest.mark.parametrize("words, shown", [
    ("who blocks talks between Washington and Moscow", "blockers USA RUS"),
    ("what would unblock a deal between Russia and the United States", "blockers RUS USA"),
    ("which deadlines are running as of 2025-08-09", "deadlines as of 2025-08-09"),
    ("preconditions for talks between the Kremlin and Washington", "preconditions RUS USA negotiate"),
    ("how did Moscow answer Washington", "responses RUS USA"),
    ("trend of Russia and Ukraine", "trend RUS UKR"),
    ("what changed between 2025-08-01 and 2025-10-27", "changes 2025-08-01 2025-10-27"),
])
def test_words_pick_a_question(engine, catalogue, words, shown):
    request = parse_request(engine, catalogue, words)
    assert request.matched and request.shown == shown


def test_ambiguous_words_list_the_other_candidates(engine, catalogue):
    request = parse_request(engine, catalogue, "what happened on 2025-10-26")
    assert request.shown == "day 2025-10-26" and request.candidates == ("week 2025-10-26",)


def test_by_name_binds_typed_values(engine, catalogue):
    import datetime

    request = parse_request(engine, catalogue, "blockers Washington Moscow as of 2025-08-09")
    assert not request.matched
    assert request.values == {"A": "USA", "B": "RUS", "AsOf": datetime.date(2025, 8, 9)}


@pytest.mark.parametrize("text, message, column", [
    ("blokers USA RUS", "no question `blokers`; did you mean `blockers`?", 1),
    ("blockers USA Moskow", "no actor `Moskow`; did you mean `Moscow`?", 14),
    ("who blocks talks between Washington and Moskow", "no actor `Moskow`; did you mean `Moscow`?", 41),
    ("week 22-10-2025", "`22-10-2025` is not a day", 6),
    ("trend USA RUS as of 2025-01-01", "`trend` takes no as-of date", 21),
])
def test_bad_input_is_a_diagnostic_at_its_place(engine, catalogue, text, message, column):
    with pytest.raises(QuestionError) as caught:
        parse_request(engine, catalogue, text)
    diagnostic = caught.value.diagnostics[0]
    assert message in diagnostic.message and diagnostic.column == column


def test_the_shipped_catalogue_is_well_formed(catalogue):
    assert catalogue.problems == ()
    assert {"escalation", "sequences", "responses", "preconditions", "open_preconditions", "blockers",
            "deadlines", "threats", "claims", "trend", "day", "week", "changes"} <= set(catalogue.questions)
    assert [s.question for s in catalogue.sections][:2] == ["sequences", "open_preconditions"]


def test_completion_offers_questions_then_actors(engine):
    vocabulary = vocabulary_of(engine, command_table())
    assert [c[0] for c in suggest(":ask bl", vocabulary).candidates] == ["blockers"]
    assert [c[0] for c in suggest(":ask blockers Wash", vocabulary).candidates] == ["Washington"]
    assert [c[0] for c in suggest(":brief USA Mos", vocabulary).candidates] == ["Moscow"]
