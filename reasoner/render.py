"""Answers as people read them: aligned tables with a row count."""

from __future__ import annotations

from reasoner import ast
from reasoner.types import display_value


def table(answers: list[dict[str, object]], query: ast.Query | None = None, limit: int | None = None) -> str:
    if not answers:
        return "(no answers)"
    names = list(answers[0])
    if not names:
        return "true"
    shown = answers if limit is None else answers[:limit]
    cells = [[display_value(row[n]) for n in names] for row in shown]
    widths = [max(len(n), *(len(r[i]) for r in cells)) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    count = len(answers)
    note = f"({count} row{'s' if count != 1 else ''}"
    if limit is not None and count > limit:
        note += f", first {limit} shown"
    lines.append(note + ")")
    return "\n".join(line.rstrip() for line in lines)
