"""Statement ids read as dates, actors and verbs; the timeline of every dated statement."""

from __future__ import annotations

import datetime
from pathlib import Path

from reasoner import Engine
from reasoner.repl.statements import date_text, statements, with_details
from reasoner.repl.timeline import status_note, timeline

FIXTURES = Path(__file__).parent / "fixtures"
D = datetime.date


def talks() -> Engine:
    engine = Engine()
    engine.load(FIXTURES / "talks.events", FIXTURES / "talks.dl")
    return engine


def test_dates_read_as_written():
    assert date_text(D(2025, 10, 22), D(2025, 10, 22)) == "2025-10-22"
    assert date_text(D(2025, 10, 1), D(2025, 10, 31)) == "2025-10"
    assert date_text(D(2024, 2, 1), D(2024, 2, 29)) == "2024-02"
    assert date_text(D(2025, 1, 1), D(2025, 12, 31)) == "2025"
    assert date_text(D(2025, 10, 1), D(2025, 11, 30)) == "2025-10-01..2025-11-30"
    assert date_text(D(2025, 10, 20), D(2025, 10, 27)) == "2025-10-20..2025-10-27"


def test_every_kind_of_statement_has_a_summary():
    found = {k: v.labelled() for k, v in statements(talks()).items()}
    assert found["oil_sanctions"] == "oil_sanctions (2025-10-22 USA impose_sanctions RUS)"
    assert found["summit_planned"] == "summit_planned (2025-10 USA meet RUS, planned)"
    assert found["summit_postponed"].endswith("RUS make_statement USA, likely)")
    assert found["fifty_days"] == "fifty_days (2025-07-14 USA give_ultimatum RUS, due 2025-09-02, revised to 2025-08-07)"
    assert found["ten_days"] == "ten_days (2025-07-28 USA revise_deadline RUS: fifty_days due 2025-08-07)"
    assert found["strong_response"] == "strong_response (2025-10-20..2025-10-27 RUS threaten UKR)"
    assert found["summit_if_deal"] == "summit_if_deal (2025-10-25 USA offer RUS, possible)"
    assert found["parity"] == "parity (2025-10-27 RUS precondition: RUS negotiate USA only_if no USA attack RUS)"
    assert found["ceasefire_dropped"] == "ceasefire_dropped (2025-08-16 USA waive: precondition talks_need_ceasefire)"


def test_only_columns_of_ids_get_details_and_rows_go_in_date_order():
    found = statements(talks())
    answers = [{"R": "unfriendly_act", "S": "oil_sanctions", "N": 1},
               {"R": "oil_sanctions", "S": "fifty_days", "N": 2},
               {"R": "unfriendly_act", "S": "not_an_id", "N": 3}]
    shown = with_details(answers[:2], ["R", "S", "N"], found)
    assert [row["N"] for row in shown] == [2, 1]  # oil_sanctions (10-22) before unfriendly_act (10-26)
    assert shown[1]["R"] == "unfriendly_act (2025-10-26 RUS criticize USA)"
    mixed = with_details(answers, ["R", "S", "N"], found)  # S holds a value that is not an id: plain
    assert [row["S"] for row in mixed] == ["fifty_days", "oil_sanctions", "not_an_id"]
    assert [row["N"] for row in mixed] == [2, 1, 3]
    assert with_details(answers[:2], ["R", "S", "N"], found, plain=("R",))[0]["R"] == "oil_sanctions"


def test_relations_of_another_shape_are_skipped():
    engine = Engine()
    engine.load_text('.decl event(id: symbol, day: date)\nevent("e", 2025-01-01).\n'
                     '.decl deadline_status(d: symbol, s: symbol)\ndeadline_status("d", "met").', name="odd.dl")
    assert statements(engine) == {}
    assert timeline(engine, []) == [] and status_note(engine) == ""


def test_timeline_without_rules_has_no_statuses():
    engine = Engine()
    engine.load(FIXTURES / "talks.events")
    rows = timeline(engine, [])
    kinds = [row["verb"] for row in rows if row["id"] in ("fifty_days", "ten_days", "parity", "strong_response")]
    assert kinds == ["deadline", "revision", "due", "due", "threat", "precondition"]
    assert all(row["status"] == "" for row in rows if row["verb"] in ("deadline", "precondition"))
    assert status_note(engine) == ""
    assert status_note(talks()) == "statuses as of 2025-10-27"


def test_timeline_with_one_or_two_actors():
    engine = talks()
    ukraine = [row["id"] for row in timeline(engine, ["Kyiv"])]
    assert ukraine == ["talks_need_ceasefire", "ceasefire_dropped", "strong_response"]
    between = {row["id"] for row in timeline(engine, ["RUS", "UKR"])}
    assert between == {"talks_need_ceasefire", "ceasefire_dropped", "strong_response"}
    assert "parity" not in {row["id"] for row in timeline(engine, ["UKR"])}


def test_statuses_are_those_of_the_sessions_as_of_date():
    engine = talks()
    engine.load_text('deadline_status("fifty_days", 2025-12-01, "met").', name="later.dl")
    assert status_note(engine) == "statuses as of 2025-10-27"  # as_of(2025-10-27) holds
    assert {row["status"] for row in timeline(engine, []) if row["id"] == "fifty_days"} == {"lapsed"}
