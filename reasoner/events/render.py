"""A stable text rendering of facts (golden tests and `--dump`): one fact per line, sorted."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence


def render_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def render_fact(relation: str, row: Sequence[object]) -> str:
    return f"{relation}({', '.join(render_value(v) for v in row)})."


def render_facts(facts: Mapping[str, Sequence[tuple]], skip: Collection[str] = ("verb",)) -> str:
    """Every fact as `relation(v1, v2, ...).`, grouped by relation name, sorted within."""
    lines = []
    for relation in sorted(facts):
        if relation in skip:
            continue
        lines.extend(sorted(render_fact(relation, row) for row in facts[relation]))
    return "\n".join(lines) + ("\n" if lines else "")
