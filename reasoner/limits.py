"""Limits that stop a runaway evaluation: a maximum number of derived tuples and an optional
time budget. A `Budget` is checked by the generated code once per iteration of a rule's
outermost loop and by the fixpoint after every round; when a limit is reached it raises
`LimitError` naming the relation that grew and the rule that fed it."""

from __future__ import annotations

import time

import attrs

from reasoner.errors import LimitError, error

DEFAULT_MAX_TUPLES = 5_000_000


@attrs.frozen
class Limits:
    """`max_tuples`: derived tuples one evaluation may add (None: no limit).
    `time_budget`: seconds one evaluation may take (None: no limit)."""

    max_tuples: int | None = DEFAULT_MAX_TUPLES
    time_budget: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.max_tuples is not None and self.max_tuples < 0:
            raise ValueError("max_tuples must be a non-negative number or None")
        if self.time_budget is not None and self.time_budget <= 0:
            raise ValueError("time_budget must be a positive number of seconds or None")


class Budget:
    """What one evaluation has used of its limits."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.derived = 0
        self.deadline = time.monotonic() + limits.time_budget if limits.time_budget else None
        self._out: set | None = None
        self._plan = None
        self._seen = 0  # size of the running rule's output at the last check
        self._checked_at = 0.0
        self._interval = 1

    def running(self, plan, out: set) -> None:
        """The rule now running and the set it adds to."""
        self._plan = plan
        self._out = out
        self._seen = len(out)
        self._checked_at = time.monotonic()
        self._interval = 1

    def check(self) -> int:
        """Called from generated code: stop if the running rule crosses a limit. Returns the
        number of outer-loop iterations after which to call again: 1 while the rule grows by
        many tuples or spends long between calls, doubling up to 1,024 otherwise."""
        size = len(self._out)
        maximum = self.limits.max_tuples
        if maximum is not None and self.derived + size > maximum:
            self.exceeded(self._plan, size)
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            self.timed_out(self._plan)
        grown, self._seen = size - self._seen, size
        spent, self._checked_at = now - self._checked_at, now
        if grown > 4_096 or spent > 0.01:
            self._interval = 1
        elif self._interval < 1_024:
            self._interval *= 2
        return self._interval

    def added(self, plan, count: int) -> None:
        """`count` new tuples were added by a round in which `plan` fed the relation most."""
        self.derived += count
        maximum = self.limits.max_tuples
        if maximum is not None and self.derived > maximum:
            self.exceeded(plan, count)
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out(plan)

    def exceeded(self, plan, size: int) -> None:
        name, span = _culprit(plan)
        raise LimitError(error(
            f"evaluation stopped: more than {self.limits.max_tuples:,} derived tuples; "
            f"`{name}` was growing (by {size:,} in the last step) through this rule",
            span,
            "a rule that builds new values from its own results (e.g. `p(X + 1) :- p(X).`) never "
            "ends; if the program is right, raise the limit: Engine(max_tuples=...), "
            "--max-tuples N, or `:set max_tuples N` in the REPL"))

    def timed_out(self, plan) -> None:
        name, span = _culprit(plan)
        raise LimitError(error(
            f"evaluation stopped: the time budget of {self.limits.time_budget:g} s ran out "
            f"while computing `{name}` through this rule",
            span,
            "raise the budget: Engine(time_budget=...), --time-budget S, or `:set time_budget S`"))


def _culprit(plan) -> tuple[str, object]:
    """The relation a plan feeds and the span of its rule (a query feeds the answer)."""
    clause = getattr(plan, "clause", None)
    if clause is None:
        return "the answer", None
    return clause.head.relation, clause.span
