"""Answers as tables: notebook display, pandas DataFrames in and out.

pandas is optional (the `pandas` extra); it is imported only when a DataFrame is asked for.
Rows coming from pandas or NumPy carry their own scalar types (`numpy.int64`, `Timestamp`,
`numpy.datetime64`); they are turned into the Python values the engine stores (int, float,
str, `datetime.date`) before the usual column checks.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Any

HTML_ROWS = 50  # rows a notebook table shows before it says how many more there are


class Answers(list):
    """The answers to a query: a list of dicts (variable name to value), as before, that also
    knows its columns, shows itself as a table in a notebook and converts to a DataFrame."""

    def __init__(self, columns: Sequence[str], answers: Iterable[dict[str, object]] = ()) -> None:
        super().__init__(answers)
        self.columns = tuple(columns)

    def _repr_html_(self) -> str:
        if not self.columns:  # a goal without variables: true or false
            return f"<p><em>{'true' if self else 'false'}</em></p>"
        return html_table(self.columns, [tuple(a[c] for c in self.columns) for a in self],
                          empty="no answers")

    def to_pandas(self):
        """A pandas DataFrame with one column per variable (dates as `datetime.date`)."""
        pandas = _pandas()
        return pandas.DataFrame([tuple(a[c] for c in self.columns) for a in self],
                                columns=list(self.columns))


def html_table(columns: Sequence[str], rows: Sequence[tuple], empty: str = "no rows") -> str:
    """An HTML table of the first HTML_ROWS rows, with the row count underneath."""
    if not rows:
        return f"<p><em>{html.escape(empty)}</em></p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row) + "</tr>"
        for row in rows[:HTML_ROWS])
    more = len(rows) - HTML_ROWS
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    note = f"{count}, first {HTML_ROWS} shown" if more > 0 else count
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{note}</p>"


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def relation_frame(columns: Sequence[str], rows: Iterable[tuple]):
    """A pandas DataFrame of a relation's tuples (sorted), with its declared column names."""
    pandas = _pandas()
    from reasoner.facts_io import sort_key

    return pandas.DataFrame(sorted(rows, key=sort_key), columns=list(columns))


def rows_of(rows: object) -> list[tuple]:
    """Rows as tuples of plain Python values: from any iterable of sequences, or a DataFrame."""
    if _is_dataframe(rows):
        rows = rows.itertuples(index=False, name=None)  # type: ignore[attr-defined]
    return [tuple(plain(v) for v in row) for row in rows]  # type: ignore[attr-defined]


def plain(value: object) -> object:
    """The Python value behind a pandas or NumPy scalar (others are returned unchanged).

    A `Timestamp` or `datetime64` at midnight is a date; with a time of day it is left as it is,
    so a `date` column rejects it rather than silently dropping the time."""
    module = type(value).__module__
    if not (module.startswith("pandas") or module.startswith("numpy")):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        value = value.to_pydatetime()
    elif type(value).__name__ == "datetime64":
        import numpy

        stamp: Any = value  # a numpy.datetime64 (numpy is imported only here)
        value = stamp.astype("datetime64[us]").astype(dt.datetime) if not numpy.isnat(stamp) else value
    elif hasattr(value, "item"):  # numpy integer, float, bool, str scalars
        return value.item()
    if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time():
        return value.date()
    return value


def _is_dataframe(value: object) -> bool:
    return type(value).__name__ == "DataFrame" and type(value).__module__.startswith("pandas")


def _pandas():
    try:
        import pandas
    except ImportError:
        from reasoner.errors import QueryError, error

        raise QueryError(error("pandas is not installed", hint="pip install 'reasoner-events[pandas]'")) from None
    return pandas
