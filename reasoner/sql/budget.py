"""The engine's limits on a SQL backend, around one evaluation (`SqlEngine._run`).

- `time_budget`: a timer interrupts the statement running when the budget runs out (on a
  backend with `interrupt()`, DuckDB's `connection.interrupt()`), and the driver starts no
  statement past the deadline (`Driver.deadline`);
- `max_memory`: the backend's own memory limit (`set_memory_limit`, DuckDB's `memory_limit`),
  set when the budget is not the default one (a fraction of the machine's memory that counts
  the Python engine's derived tuples; the database keeps its own default then).

An evaluation stopped either way is a `LimitError` naming the relation whose statement ran and
pointing at its rule, as on the Python engine; the caller rolls the transaction back.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

from reasoner.errors import LimitError, error
from reasoner.limits import DEFAULT_MAX_MEMORY, Limits
from reasoner.sql.backend import Backend
from reasoner.sql.driver import Driver


@contextlib.contextmanager
def enforced(limits: Limits, backend: Backend, driver: Driver) -> Iterator[None]:
    memory = getattr(backend, "set_memory_limit", None)
    chosen = limits.max_memory if limits.max_memory != DEFAULT_MAX_MEMORY else None
    if memory is not None:
        memory(chosen)
    budget = limits.time_budget
    interrupt = getattr(backend, "interrupt", None)
    timer = None
    if budget is not None and interrupt is not None:
        driver.deadline = time.monotonic() + budget
        timer = threading.Timer(budget, interrupt)
        timer.daemon = True
        timer.start()
    try:
        yield
    except BaseException as exc:
        rules = driver.last_rules
        relation = f"`{rules[0].head}`" if rules else "the relations"
        span = rules[0].rule.span if rules else None
        deadline = driver.deadline
        if deadline is not None and (isinstance(exc, TimeoutError) or time.monotonic() >= deadline):
            raise LimitError(error(
                f"evaluation stopped: the time budget of {budget:g} s ran out while computing {relation} "
                "through this rule", span,
                "raise the budget: Engine(time_budget=...), --time-budget S (0 lifts it), or "
                "`:set time_budget S`")) from None
        if chosen is not None and memory is not None and _out_of_memory(exc):
            raise LimitError(error(
                f"evaluation stopped: computing {relation} through this rule took more than the memory "
                f"budget of {chosen:,} bytes on {backend.name}", span,
                "raise the budget: Engine(max_memory=...) (bytes), or lift it (None)")) from None
        raise
    finally:
        if timer is not None:
            timer.cancel()


def _out_of_memory(exc: BaseException) -> bool:
    return type(exc).__name__ == "OutOfMemoryException" or isinstance(exc, MemoryError)
