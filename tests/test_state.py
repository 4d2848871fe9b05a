"""`Engine.state`: what an engine knows, read through `EngineState`'s interface (the one that
explanations and the question catalogue use): where a stated fact comes from, and a state that
later changes replace rather than alter."""

from __future__ import annotations

import datetime

from reasoner import Engine

EVENTS = """\
actor USA "United States"
actor RUS "Russia"
source s1 "A report" outlet Wire
event talks 2025-10-22 USA negotiate RUS
    cite s1 "they talked"
"""
RULES = """\
.decl talked(a: symbol, b: symbol)
talked(A, B) :- event(_, _, _, A, "negotiate", B).
.decl window(days: number)
window(60).
"""
TALKS = ("talks", datetime.date(2025, 10, 22), datetime.date(2025, 10, 22), "USA", "negotiate", "RUS")


def engine() -> Engine:
    made = Engine()
    made.load_text(EVENTS, name="talks.events", kind="events")
    made.load_text(RULES, name="rules.dl")
    return made


def test_a_fact_of_an_event_statement_names_the_statement_and_where_it_is_written():
    state = engine().state
    for relation, row in (("event", TALKS), ("evidence", ("talks", "s1", "they talked"))):
        statement, span, kind = state.statement_of(relation, row)
        assert (statement, kind, span.file, span.line) == ("talks", "event", "talks.events", 4)
    assert str(state.statement_of("source", ("s1", "A report", "Wire", "", "", ""))[1]).startswith("talks.events:3:")
    assert state.statement_of("talked", ("USA", "RUS")) is None  # derived by a rule


def test_stated_and_derived_facts_are_told_apart():
    state = engine().state
    assert state.is_stated("event", TALKS) and not state.is_text_fact("event", TALKS)
    assert state.is_stated("window", (60,)) and state.is_text_fact("window", (60,))
    span = state.text_fact_span("window", (60,))
    assert (span.file, span.line, span.column) == ("rules.dl", 4, 1)
    assert not state.is_stated("talked", ("USA", "RUS"))
    assert state.relations["talked"].tuples == {("USA", "RUS")}
    assert state.schemas["window"].columns == ("days",)


def test_a_load_replaces_the_state_and_leaves_the_old_one_as_it_was():
    made = engine()
    before = made.state
    made.load_text(".decl quiet(a: symbol)\nquiet(A) :- actor(A, _, _), !talked(A, _).\n", name="more.dl")
    assert made.state is not before
    assert "quiet" not in before.schemas and "quiet" not in before.relations
    assert made.state.relations["quiet"].tuples == {("RUS",)}
