"""Answers and relations as people and scripts read them: table, CSV or JSON.

Every format takes rows as dicts (column name to Python value) and the column names, so that
an empty result still knows its header. Dates print in ISO form everywhere. A goal without
variables has no columns: its answer is `true` or `false`.

>>> import datetime
>>> print(table([{"X": 1, "Day": datetime.date(2025, 10, 22)}], ["X", "Day"]))
X | Day
--+-----------
1 | 2025-10-22
(1 row)
>>> print(render([{"X": 1}], ["X"], "json"))
[
  {"X": 1}
]
"""

from __future__ import annotations

import csv
import datetime
import io
import json

from reasoner import ast
from reasoner.records import Record
from reasoner.types import display_value

FORMATS = ("table", "csv", "json")
# Tables are for reading: a float shows at most FLOAT_DIGITS significant digits (its shortest
# exact form when that is no longer: 0.5, -2.0, 4.5; else `%.6g`: 0.333333, 1.23457e+06), and a
# cell wider than CELL_WIDTH characters is cut with `…`. CSV and JSON keep every value whole.
FLOAT_DIGITS = 6
CELL_WIDTH = 100


def render(rows: list[dict[str, object]], columns: list[str], fmt: str = "table",
           limit: int | None = None, width: int | None = CELL_WIDTH) -> str:
    """Rows in one of `FORMATS`; `limit` shortens tables only, and `width` cuts their wide
    cells (None: whole); CSV and JSON are for machines and always complete."""
    if fmt == "table":
        return table(rows, columns=columns, limit=limit, width=width)
    if fmt == "csv":
        return csv_text(rows, columns)
    if fmt == "json":
        return json_text(rows, columns)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def table(answers: list[dict[str, object]], query: ast.Query | None = None, limit: int | None = None,
          columns: list[str] | None = None, width: int | None = CELL_WIDTH) -> str:
    """An aligned table with a row count; with `limit`, the first `limit` rows and a note.
    Floats are compact and cells at most `width` characters (see `cell_text`).

    >>> print(table([{"P": 1 / 3, "Q": "x" * 12}], columns=["P", "Q"], width=8))
           P | Q
    ---------+---------
    0.333333 | xxxxxxx…
    (1 row)
    """
    if columns is None:  # `reasoner run` prints its queries' answers this way
        if not answers:
            return "(no answers)"
        columns = list(answers[0])
    if not columns:
        return "true" if answers else "false"
    if not answers:
        return "(no answers)"
    shown = answers if limit is None else answers[:limit]
    cells = [[cell_text(row[n], width) for n in columns] for row in shown]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(columns)]
    # right-aligned: columns of numbers (cells left empty, as a timeline's, aside)
    numeric = [all(_is_number(row[n]) or row[n] == "" for row in shown) and any(_is_number(row[n]) for row in shown)
               for n in columns]

    def line(values: list[str]) -> str:
        return " | ".join(v.rjust(w) if right else v.ljust(w)
                          for v, w, right in zip(values, widths, numeric))

    lines = [line(columns), "-+-".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    count = len(answers)
    note = f"({count} row{'s' if count != 1 else ''}"
    if limit is not None and count > limit:
        note += f", first {limit} shown; `:format csv` prints them all"
    lines.append(note + ")")
    return "\n".join(line.rstrip() for line in lines)


def float_text(value: float) -> str:
    """A float in at most `FLOAT_DIGITS` significant digits: its shortest exact form if that is
    short enough (`0.5`, `-2.0`), else rounded (`0.333333`, `1.23457e+06`).

    >>> float_text(1 / 3), float_text(4.0), float_text(2.5e-07), float_text(123456789.5)
    ('0.333333', '4.0', '2.5e-07', '1.23457e+08')
    """
    text = repr(value)
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    if len(mantissa.rstrip("0") if "e" in text or "." in text else mantissa) <= FLOAT_DIGITS:
        return text
    rounded = f"{value:.{FLOAT_DIGITS}g}"
    return rounded if any(c in rounded for c in ".en") else rounded + ".0"


def cell_text(value: object, width: int | None = CELL_WIDTH) -> str:
    """A value as a table cell: compact floats, and at most `width` characters (None: all),
    a longer text cut with `…`."""
    text = float_text(value) if isinstance(value, float) else display_value(value)
    if width is not None and len(text) > width:
        return text[:width - 1] + "…"
    return text


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def csv_text(rows: list[dict[str, object]], columns: list[str]) -> str:
    """A header line and one line per row (RFC 4180 quoting); `true`/`false` for a goal
    without variables."""
    if not columns:
        return "true" if rows else "false"
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([display_value(row[c]) for c in columns])
    return stream.getvalue().rstrip("\n")


def json_text(rows: list[dict[str, object]], columns: list[str]) -> str:
    """A JSON array of objects, one per row and one line each (dates as ISO strings);
    `true`/`false` for a goal without variables."""
    if not columns:
        return "true" if rows else "false"
    if not rows:
        return "[]"
    lines = [json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False) for row in rows]
    return "[\n" + ",\n".join("  " + line for line in lines) + "\n]"


def _json_value(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Record):  # as output files print it
        return str(value)
    return value


def query_columns(query: ast.Query) -> list[str]:
    """The columns of a query's answers: its variables in order of first appearance."""
    return ast.query_variables(query)
