"""Loading in steps, atomicity, and the dates module."""

from __future__ import annotations

import datetime as dt

import pytest

from reasoner.errors import CheckError, ParseError
from reasoner.events import KnownIds, lower, parse_events
from reasoner.events.dates import DateError, parse_date
from reasoner.source import SourceText

FIRST = '''actor RUS "Russia" aka Kremlin
actor USA "United States"
source s1 "T"
person peskov "Dmitry Peskov" of RUS
event e1 2025-10-22 USA impose_sanctions RUS cite s1 "q"
'''
SECOND = '''event e2 2025-10-26 Kremlin criticize USA responds_to e1 by peskov cite s1 "r"
'''


def parse(name: str, text: str):
    return parse_events(SourceText(name, text))


def test_later_load_sees_earlier_ids() -> None:
    first = lower([parse("a.events", FIRST)])
    second = lower([parse("b.events", SECOND)], first.known, include_vocabulary=False)
    assert second.facts["event"] == [("e2", dt.date(2025, 10, 26), dt.date(2025, 10, 26), "RUS", "criticize", "USA")]
    assert second.facts["responds_to"] == [("e2", "e1")]
    assert "e2" in second.known.events and second.known.aliases["Kremlin"] == "RUS"
    with pytest.raises(CheckError, match="unknown event `e1`"):
        lower([parse("b.events", SECOND)])
    with pytest.raises(CheckError, match="duplicate statement id `e1`"):
        lower([parse("a2.events", 'event e1 2025 RUS criticize USA')], first.known)


def test_files_are_lowered_together_and_atomically() -> None:
    broken = parse("c.events", 'event e3 2025-10-26 RUS criticise USA cite s1 "x"\n')
    with pytest.raises(CheckError) as raised:
        lower([parse("a.events", FIRST), broken])
    assert [d.file for d in raised.value.diagnostics] == ["c.events"]


def test_origins_point_at_statements() -> None:
    result = lower([parse("a.events", FIRST)])
    span = result.origins[("event", ("e1", dt.date(2025, 10, 22), dt.date(2025, 10, 22), "USA", "impose_sanctions", "RUS"))]
    assert (span.file, span.line, span.column) == ("a.events", 5, 1)


def test_parse_error_lists_every_broken_statement() -> None:
    with pytest.raises(ParseError) as raised:
        parse("d.events", 'event a 2025 RUS\nevent b 2025-02-29 RUS criticize\nevent c\n')
    assert [d.line for d in raised.value.diagnostics] == [1, 2, 3]


@pytest.mark.parametrize("text,first,last,precision", [
    ("2025-10-22", (2025, 10, 22), (2025, 10, 22), "exact"),
    ("2025-02", (2025, 2, 1), (2025, 2, 28), "month"),
    ("2024-02", (2024, 2, 1), (2024, 2, 29), "month"),
    ("2025", (2025, 1, 1), (2025, 12, 31), "year"),
    ("2025-10-20..2025-10-22", (2025, 10, 20), (2025, 10, 22), "range"),
    ("2025-01..2025-03-04", (2025, 1, 1), (2025, 3, 4), "range"),
    ("~2025-10-22", (2025, 10, 22), (2025, 10, 22), "approximate"),
])
def test_dates(text, first, last, precision) -> None:
    interval = parse_date(text)
    assert (interval.first, interval.last, interval.precision) == (dt.date(*first), dt.date(*last), precision)


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13", "2025-1-5", "25-10-22", "2025-10-22..2025-10-21", "2025--10"])
def test_bad_dates(text) -> None:
    with pytest.raises(DateError):
        parse_date(text)
