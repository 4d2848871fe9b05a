"""Dates as analysts write them: exact, partial, ranges, approximate, and relative offsets.

Every date denotes an interval of days (first day, last day) and a precision:

==================  ===================  ======================  ===========
written             first day            last day                precision
==================  ===================  ======================  ===========
``2025-10-22``      2025-10-22           2025-10-22              exact
``2025-10``         2025-10-01           2025-10-31              month
``2025``            2025-01-01           2025-12-31              year
``A..B``          first day of A       last day of B           range
``~2025-10-22``     2025-10-22           2025-10-22              approximate
==================  ===================  ======================  ===========

A range joins two dates of any precision (``2025-10-20..2025-10-22``, ``2025-01..2025-03-04``):
its first day is the first day of the left end and its last day the last day of the right end.
A ``~`` in front of a date or range marks the whole as approximate (the interval is kept).
A relative date (``+50d``, ``+2w``) is an offset from the first day of the statement's date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

import attrs

PRECISIONS = ("exact", "month", "year", "range", "approximate")

_SINGLE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_SHAPE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_RELATIVE = re.compile(r"\+(\d+)([dw])")

DATE_HINT = (
    "write dates as 2025-10-22, 2025-10 or 2025; a range as 2025-10-20..2025-10-22; "
    "an approximate date as ~2025-10-22"
)


@attrs.frozen
class DateError(Exception):
    """A date that cannot be read; `offset`/`width` locate the culprit inside the written text."""

    message: str
    offset: int = 0
    width: int = 0
    hint: str | None = None


@attrs.frozen
class Interval:
    first: dt.date
    last: dt.date
    precision: str


@lru_cache(maxsize=4096)
def parse_date(text: str) -> Interval:
    """The interval a written date denotes; raises `DateError` saying what is wrong.

    Cached: a corpus writes the same dates many times, and an `Interval` is immutable (a
    `DateError` is raised afresh each time, never cached)."""
    approximate = text.startswith("~")
    body = text[1:] if approximate else text
    base = 1 if approximate else 0
    if ".." in body:
        left, _, right = body.partition("..")
        right_base = base + len(left) + 2
        if right.startswith("~"):
            raise DateError("`~` goes in front of the whole range", right_base, 1,
                            "write ~2025-10-20..2025-10-22")
        first, _ = _single(left, base)
        low, last = _single(right, right_base)
        if last < first:
            raise DateError(
                f"date range ends before it starts ({right} is before {left})",
                0, len(text), "write the earlier date first: FIRST..LAST",
            )
        del low
        return Interval(first, last, "approximate" if approximate else "range")
    first, last = _single(body, base)
    if approximate:
        precision = "approximate"
    else:
        precision = {1: "year", 2: "month", 3: "exact"}[body.count("-") + 1]
    return Interval(first, last, precision)


def _single(text: str, offset: int) -> tuple[dt.date, dt.date]:
    if not _SHAPE.fullmatch(text):
        match = _SINGLE.fullmatch(text)
        if match is None:
            raise DateError(f"malformed date `{text}`", offset, len(text), DATE_HINT)
        raise DateError(f"malformed date `{text}`: months and days take two digits",
                        offset, len(text), DATE_HINT)
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if year < 1:
        raise DateError(f"impossible date `{text}`: there is no year 0", offset, 4)
    if len(parts) == 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = parts[1]
    if not 1 <= month <= 12:
        raise DateError(f"impossible date `{text}`: there is no month {month}", offset + 5, 2,
                        "months run from 01 to 12")
    days = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return dt.date(year, month, 1), dt.date(year, month, days)
    day = parts[2]
    if not 1 <= day <= days:
        month_name = calendar.month_name[month]
        raise DateError(
            f"impossible date `{text}`: {month_name} {year} has {days} days", offset + 8, 2,
        )
    return dt.date(year, month, day), dt.date(year, month, day)


def parse_relative(text: str) -> int:
    """The number of days in a relative date such as `+50d` or `+2w`."""
    match = _RELATIVE.fullmatch(text)
    if match is None:
        raise DateError(f"malformed relative date `{text}`", 0, len(text),
                        "write a number of days or weeks after the statement's date: +50d, +2w")
    if len(match.group(1)) > 7:  # beyond any date: `date + timedelta` would overflow anyway
        raise DateError(f"relative date `{text}` is too far ahead", 0, len(text),
                        "write a number of days or weeks after the statement's date: +50d, +2w")
    count = int(match.group(1))
    return count * 7 if match.group(2) == "w" else count
