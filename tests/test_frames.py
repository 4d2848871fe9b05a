"""Notebooks and pandas: answers and relations as tables, DataFrames into add_facts."""

from __future__ import annotations

import datetime as dt

import pytest

from reasoner import Engine, LoadError

pandas = pytest.importorskip("pandas")
numpy = pytest.importorskip("numpy")

PROGRAM = """
.decl sanction(by: symbol, on: symbol, day: date, score: float)
.decl reply(by: symbol, to: symbol, day: date)
.decl answered(by: symbol, on: symbol, lag: number)
answered(B, A, days(D1, D2)) :- sanction(A, B, D1, _), reply(B, A, D2), D1 <= D2.
"""


@pytest.fixture
def engine() -> Engine:
    engine = Engine()
    engine.load_text(PROGRAM, name="example.dl")
    return engine


def test_a_dataframe_with_timestamps_fills_a_date_column(engine: Engine) -> None:
    frame = pandas.DataFrame({
        "by": ["USA", "EU"], "on": ["RUS", "RUS"],
        "day": pandas.to_datetime(["2025-10-22", "2025-10-23"]),
        "score": numpy.array([-8, -7.5]),
    })
    engine.add_facts("sanction", frame)
    engine.add_facts("reply", [("RUS", "USA", numpy.datetime64("2025-10-26"))])
    assert engine.relation("sanction") == {
        ("USA", "RUS", dt.date(2025, 10, 22), -8.0), ("EU", "RUS", dt.date(2025, 10, 23), -7.5)}
    assert engine.query("answered(B, A, Lag)") == [{"B": "RUS", "A": "USA", "Lag": 4}]


def test_a_timestamp_with_a_time_of_day_is_not_a_date(engine: Engine) -> None:
    with pytest.raises(LoadError, match="does not fit column `day` of type date"):
        engine.add_facts("reply", [("RUS", "USA", pandas.Timestamp("2025-10-26 13:45"))])
    assert engine.relation("reply") == set()


def test_answers_are_a_list_of_dicts_with_a_table_and_a_frame(engine: Engine) -> None:
    engine.add_facts("sanction", [("USA", "RUS", dt.date(2025, 10, 22), -8.0)])
    engine.add_facts("reply", [("RUS", "USA", dt.date(2025, 10, 26))])
    answers = engine.query("answered(B, A, Lag)")
    assert answers == [{"B": "RUS", "A": "USA", "Lag": 4}] and answers.columns == ("B", "A", "Lag")
    html = answers._repr_html_()
    assert "<th>B</th><th>A</th><th>Lag</th>" in html and "<td>RUS</td><td>USA</td><td>4</td>" in html
    assert "1 row" in html
    frame = answers.to_pandas()
    assert list(frame.columns) == ["B", "A", "Lag"] and frame.to_dict("records") == [
        {"B": "RUS", "A": "USA", "Lag": 4}]
    assert engine.query('answered("RUS", "USA", 4)')._repr_html_() == "<p><em>true</em></p>"
    assert engine.query('answered("USA", "RUS", 4)')._repr_html_() == "<p><em>false</em></p>"
    assert engine.query("answered(B, \"IRN\", L)")._repr_html_() == "<p><em>no answers</em></p>"


def test_long_answers_are_capped_with_the_count(engine: Engine) -> None:
    engine.add_facts("reply", [("RUS", f"X{i:03}", dt.date(2025, 1, 1) + dt.timedelta(i)) for i in range(120)])
    html = engine.query("reply(B, T, D)")._repr_html_()
    assert html.count("<tr>") == 51  # the header and 50 rows
    assert "120 rows, first 50 shown" in html and "2025-01-01" in html


def test_a_relation_as_a_frame_has_its_declared_column_names(engine: Engine) -> None:
    engine.add_facts("reply", [("RUS", "USA", dt.date(2025, 10, 26)), ("IRN", "USA", dt.date(2025, 6, 1))])
    frame = engine.to_pandas("reply")
    assert list(frame.columns) == ["by", "to", "day"]
    assert frame.values.tolist() == [["IRN", "USA", dt.date(2025, 6, 1)], ["RUS", "USA", dt.date(2025, 10, 26)]]


def test_engine_repr_in_a_shell_and_a_notebook(engine: Engine) -> None:
    engine.add_facts("reply", [("RUS", "USA", dt.date(2025, 10, 26))])
    assert repr(engine) == "<Engine: 3 relations, 1 tuples>"
    html = engine._repr_html_()
    assert "<td>reply</td><td>3</td><td>1</td>" in html and "<td>answered</td><td>3</td><td>0</td>" in html
