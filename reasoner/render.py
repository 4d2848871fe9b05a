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
from reasoner.types import display_value

FORMATS = ("table", "csv", "json")


def render(rows: list[dict[str, object]], columns: list[str], fmt: str = "table",
           limit: int | None = None) -> str:
    """Rows in one of `FORMATS`; `limit` shortens tables only (CSV and JSON are for machines
    and always complete)."""
    if fmt == "table":
        return table(rows, columns=columns, limit=limit)
    if fmt == "csv":
        return csv_text(rows, columns)
    if fmt == "json":
        return json_text(rows, columns)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def table(answers: list[dict[str, object]], query: ast.Query | None = None, limit: int | None = None,
          columns: list[str] | None = None) -> str:
    """An aligned table with a row count; with `limit`, the first `limit` rows and a note."""
    if columns is None:  # `reasoner run` prints its queries' answers this way
        if not answers:
            return "(no answers)"
        columns = list(answers[0])
    if not columns:
        return "true" if answers else "false"
    if not answers:
        return "(no answers)"
    shown = answers if limit is None else answers[:limit]
    cells = [[display_value(row[n]) for n in columns] for row in shown]
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
    return value


def _variables(query: ast.Query) -> list[str]:
    names: list[str] = []
    for body in query.bodies:
        for literal in body:
            if isinstance(literal, ast.Negation):
                continue
            for name in ast.literal_variables(literal):
                if name not in names:
                    names.append(name)
    return names


def query_columns(query: ast.Query) -> list[str]:
    """The columns of a query's answers: its variables in order of first appearance."""
    return _variables(query)
