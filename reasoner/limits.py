"""Limits that stop a runaway evaluation, and the per-value limits of computed values.

Per evaluation: a maximum number of derived tuples, an optional time budget and a memory budget
(an estimate of the bytes the derived tuples and the values they hold take). A `Budget` is
checked by the generated code every `_n` iterations of any of a rule's loops (as SQLite's
progress handler counts virtual-machine steps: the work between two checks is bounded, however
the loops nest) and by the fixpoint after every round; when a limit is reached it raises
`LimitError` naming the relation that grew and the rule that fed it.

Per value: a string a rule computes (`cat`, `+` on symbols) holds at most `MAX_STRING`
characters, an integer it computes at most `MAX_DIGITS` decimal digits. The generated code
checks each such result as it is made (`reasoner.functors.too_long`, `too_big`).
"""

from __future__ import annotations

import os
import time

import attrs

from reasoner.errors import LimitError, error
from reasoner.source import Span

DEFAULT_MAX_TUPLES = 5_000_000
# A string computed by a rule: at most this many characters (1 MiB of ASCII text).
MAX_STRING = 1_048_576
# An integer computed by a rule or written in one: fewer than this many decimal digits (below
# Python's 4,300-digit limit on converting integers to text, so every value can be printed).
MAX_DIGITS = 4_000
BIG = 10**MAX_DIGITS  # an integer's magnitude must stay below this
# The share of the machine's memory (or of the control group's limit, if lower) that one
# evaluation may take by default.
MEMORY_FRACTION = 0.5


def machine_memory() -> int | None:
    """The bytes of memory this process may use: the machine's, or its control group's limit
    if lower (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`). None if unknown."""
    sizes = []
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    sizes.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        try:
            sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, AttributeError):
            pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max", or v1's "no limit" (near 2**63)
            sizes.append(int(text))
    return min(sizes) if sizes else None


def available_memory() -> int | None:
    """The bytes of memory the system could give now (`MemAvailable`), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_max_memory() -> int | None:
    total = machine_memory()
    return int(total * MEMORY_FRACTION) if total else None


DEFAULT_MAX_MEMORY = default_max_memory()


def tuple_bytes(arity: int) -> int:
    """Estimated bytes one derived tuple takes: the tuple, its entries in the relation's set, a
    hash index and the derivation records, its small values (measured: about 180 bytes for a
    pair of small integers)."""
    return 120 + 40 * arity


def value_bytes(rows, columns: tuple[int, ...]) -> int:
    """Bytes of the strings and large integers in `columns` of `rows` (the values that rules
    compute; other values are shared with the facts they come from)."""
    total = 0
    for column in columns:
        for row in rows:
            value = row[column]
            if value.__class__ is str:
                total += len(value)
            elif value.__class__ is int:
                total += value.bit_length() >> 3
    return total


@attrs.frozen
class Limits:
    """`max_tuples`: derived tuples one evaluation may add (None: no limit).
    `time_budget`: seconds one evaluation may take (None: no limit).
    `max_memory`: estimated bytes the tuples one evaluation derives may take (None: no limit;
    default half of the machine's memory)."""

    max_tuples: int | None = DEFAULT_MAX_TUPLES
    time_budget: float | None = None
    max_memory: int | None = DEFAULT_MAX_MEMORY

    def __attrs_post_init__(self) -> None:
        if self.max_tuples is not None and self.max_tuples < 0:
            raise ValueError("max_tuples must be a non-negative number or None")
        if self.time_budget is not None and self.time_budget <= 0:
            raise ValueError("time_budget must be a positive number of seconds or None")
        if self.max_memory is not None and self.max_memory <= 0:
            raise ValueError("max_memory must be a positive number of bytes or None")


# Iterations between two checks: at most this many (a check costs about a microsecond; ten
# thousand iterations of the cheapest loop take a millisecond or two).
MAX_INTERVAL = 8_192
# Seconds between two checks that the interval aims at (it shrinks in proportion when the
# iterations are slower, and doubles while they are faster).
CHECK_EVERY = 0.005


class Budget:
    """What one evaluation has used of its limits."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.derived = 0
        self.memory = 0  # estimated bytes of the tuples added so far
        # The default memory budget is also kept below what the system can give now (80% of
        # it), so that a busy machine stops a runaway with this error rather than MemoryError.
        self.max_memory = limits.max_memory
        if self.max_memory is not None and self.max_memory == DEFAULT_MAX_MEMORY:
            available = available_memory()
            if available:
                self.max_memory = min(self.max_memory, int(available * 0.8))
        self.deadline = time.monotonic() + limits.time_budget if limits.time_budget else None
        self._out: set = set()  # the set the running rule adds to (`running`)
        self._plan = None
        self._per_tuple = 0
        self._made = 0  # bytes of strings the running plan had made at the last check
        self._checked_at = 0.0
        self._interval = 1

    def running(self, plan, out: set) -> None:
        """The rule now running and the set it adds to."""
        self._plan = plan
        self._out = out
        clause = getattr(plan, "clause", None)
        self._per_tuple = tuple_bytes(len(clause.head.args) if clause is not None else 2)
        self._made = 0
        self._checked_at = time.monotonic()
        self._interval = 1

    def check(self, made: int = 0) -> int:
        """Called from generated code every few loop iterations, with the bytes of the strings
        the running rule has made so far: stop if it crosses a limit. Returns the number of
        iterations after which to call again: about `CHECK_EVERY` seconds' worth (at most
        `MAX_INTERVAL`, at most the tuples left below the limit, 1 after a megabyte of
        strings)."""
        size = len(self._out)
        limits = self.limits
        if limits.max_tuples is not None and self.derived + size > limits.max_tuples:
            self.exceeded(self._plan, size)
        if self.max_memory is not None and self.memory + size * self._per_tuple + made > self.max_memory:
            self.out_of_memory(self._plan, size)
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            self.timed_out(self._plan)
        grown, self._made = made - self._made, made
        spent, self._checked_at = now - self._checked_at, now
        if grown > 1_048_576:
            self._interval = 1
        elif spent > CHECK_EVERY:  # slow iterations: fewer of them until the next check
            self._interval = max(1, int(self._interval * CHECK_EVERY / spent))
        elif spent < CHECK_EVERY / 2 and self._interval < MAX_INTERVAL:
            self._interval *= 2
        if limits.max_tuples is not None:
            # an iteration emits at most one tuple: call again by the one that crosses the limit
            self._interval = max(1, min(self._interval, limits.max_tuples - self.derived - size + 1))
        return self._interval

    def added(self, plan, count: int, value_bytes: int = 0, arity: int = 2) -> None:
        """`count` new tuples of `arity`, holding `value_bytes` of computed values, were added
        by a round in which `plan` fed the relation most."""
        self.derived += count
        self.memory += count * tuple_bytes(arity) + value_bytes
        limits = self.limits
        if limits.max_tuples is not None and self.derived > limits.max_tuples:
            self.exceeded(plan, count)
        if self.max_memory is not None and self.memory > self.max_memory:
            self.out_of_memory(plan, count)
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

    def out_of_memory(self, plan, size: int) -> None:
        name, span = _culprit(plan)
        raise LimitError(error(
            f"evaluation stopped: the derived tuples would take more than the memory budget of "
            f"{_bytes(self.max_memory)}; `{name}` was growing (by {_tuples(size)} in the last "
            f"step) through this rule",
            span,
            "a rule that builds ever longer strings or larger numbers from its own results "
            "(e.g. `s(cat(X, \"a\")) :- s(X).`) never ends; if the program is right, raise the "
            "budget: Engine(max_memory=...) (bytes)"))

    def timed_out(self, plan) -> None:
        name, span = _culprit(plan)
        raise LimitError(error(
            f"evaluation stopped: the time budget of {self.limits.time_budget:g} s ran out "
            f"while computing `{name}` through this rule",
            span,
            "raise the budget: Engine(time_budget=...), --time-budget S (0 lifts it), or "
            "`:set time_budget S`"))


def _tuples(count: int) -> str:
    return f"{count:,} tuple{'s' if count != 1 else ''}"


def _bytes(count: int | None) -> str:
    if count is None:
        return "none"
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"


def _culprit(plan) -> tuple[str, Span | None]:
    """The relation a plan feeds and the span of its rule (a query feeds the answer)."""
    clause = getattr(plan, "clause", None)
    if clause is None:
        return "the answer", None
    return clause.head.relation, clause.span
