"""What an analyst can ask of an import: a date range, countries or dyads, GDELT's root events
and de-duplication, state actors only, and how many bad rows to put up with."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

ACTOR_MODES = ("all", "states")


@attrs.frozen
class ImportOptions:
    """`since`/`until`: keep events dated within (both ends included). `countries`: keep events
    whose actor or target is one of these ids. `dyads`: keep events between these pairs of ids
    (either direction). `root_only`: GDELT rows marked IsRootEvent only. `dedupe`: one event per
    day, actor, target and CAMEO code (GDELT), its mentions, sources and articles summed.
    `actors`: "all" (sub-state actors count as their country, other actors keep ids of their own)
    or "states" (only events between state actors proper: a state, its government, military,
    police, judiciary, legislature or intelligence). `max_bad_rows`: bad rows skipped before the
    import fails (0: none; None: any number). `progress`: a progress bar on stderr (None: when
    stderr is a terminal)."""

    since: dt.date | None = None
    until: dt.date | None = None
    countries: frozenset[str] = frozenset()
    dyads: frozenset[frozenset[str]] = frozenset()
    root_only: bool = False
    dedupe: bool = False
    actors: str = "all"
    max_bad_rows: int | None = 0
    progress: bool | None = None

    def __attrs_post_init__(self) -> None:
        if self.actors not in ACTOR_MODES:
            raise ValueError(f"actors must be one of {', '.join(ACTOR_MODES)}, not {self.actors!r}")
        if self.max_bad_rows is not None and self.max_bad_rows < 0:
            raise ValueError("max_bad_rows must be 0 or more (None: no limit)")

    @classmethod
    def of(cls, **given: object) -> ImportOptions:
        """Options from keyword arguments, accepting lists for `countries` and pairs (or
        "RUS-USA" strings) for `dyads`, ISO dates as strings."""
        values: dict[str, Any] = dict(given)
        for key in ("since", "until"):
            if isinstance(values.get(key), str):
                values[key] = dt.date.fromisoformat(values[key])
        if "countries" in values:
            values["countries"] = frozenset(values["countries"] or ())
        if "dyads" in values:
            values["dyads"] = frozenset(_pair(d) for d in values["dyads"] or ())
        return cls(**values)


def _pair(dyad: object) -> frozenset[str]:
    parts = dyad.split("-") if isinstance(dyad, str) else list(dyad)  # type: ignore[call-overload]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"a dyad is two actor ids, e.g. RUS-USA, not {dyad!r}")
    return frozenset(parts)
