"""The namespace generated code runs in: the helpers the plans call and the functors'
implementations, as their entries of `reasoner.functors.TABLE` name them (`namespace`), and the
per-evaluation state some of them keep (`make_context`: `ord()` numbers, compiled `match`
patterns and the counter of `autoinc()`, never shared between engines)."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from typing import Any

from reasoner import functors
from reasoner.limits import BIG

NONE = object()  # an aggregate's value before its first match (min, max)

HELPERS: dict[str, object] = {
    "_E": (),
    "bisect_left": bisect_left,
    "bisect_right": bisect_right,
    "_NONE": NONE,
    "fsum": math.fsum,
    "pattern_matches": functors.pattern_matches,
    "too_big": functors.too_big,
    "too_long": functors.too_long,
    "_BIG": BIG,
    "_patterns": None,  # replaced per evaluation by the context
    # what the functors' code calls (`reasoner.functors.TABLE`)
    **{name: helper for functor in functors.TABLE for name, helper in functor.runtime.items()},
}


def namespace(context: dict[str, Any], constants: tuple[object, ...]) -> dict[str, Any]:
    """The globals of one plan's code: the helpers, the evaluation's `context` and the plan's
    constants (`C0`, `C1`, ...)."""
    result: dict[str, Any] = dict(HELPERS)
    result.update(context)
    for i, value in enumerate(constants):
        result[f"C{i}"] = value
    return result


def make_context() -> dict[str, Any]:
    """Per-evaluation state the generated code may use (never shared between engines)."""
    ordinals: dict[str, int] = {}

    def ord_of(value: object) -> int:
        key = str(value)
        number = ordinals.get(key)
        if number is None:
            number = ordinals[key] = len(ordinals)
        return number

    # `autoinc()` and `$`: Soufflé's counter, counting from 0 through one evaluation
    return {"ord_of": ord_of, "_patterns": functors.PatternCache(), "_ordinals": ordinals,
            "autoinc": itertools.count().__next__}
