"""Comparing the DuckDB backend with the Python engine, the oracle: the same files loaded into
both must give every relation the same tuples (NaN counts as equal to NaN, as in the files
both write)."""

from __future__ import annotations

import math

from reasoner import Engine


def _normal(rows: set[tuple]) -> set[tuple]:
    return {tuple("NaN" if isinstance(v, float) and math.isnan(v) else v for v in row) for row in rows}


def differences(python: Engine, sql: Engine) -> dict[str, tuple[set, set]]:
    """Relation -> (tuples only the Python engine has, tuples only the SQL one has)."""
    assert python.relations() == sql.relations()
    found = {}
    for name in python.relations():
        ours, theirs = _normal(python.relation(name)), _normal(sql.relation(name))
        if ours != theirs:
            found[name] = (ours - theirs, theirs - ours)
    return found


def short(found: dict[str, tuple[set, set]]) -> str:
    return "; ".join(f"{name}: only Python {sorted(a, key=repr)[:5]}, only SQL {sorted(b, key=repr)[:5]}"
                     for name, (a, b) in found.items())
