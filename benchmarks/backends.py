"""Engines on the SQL backends for the issue 15 benchmarks, and what the process's memory peaked at.

- `engine(backend)`: `Engine(backend=...)`, or the benchmark skipped with the reason when this
  version of the engine has no such backend, or its library is not installed. `"python"` is the
  Python engine (`Engine()`).
- `spark_wanted()`: Spark runs only when asked for (`REASONER_BENCH_SPARK=1`: a local[2] session
  takes seconds to start and a good part of the two cores) and `pyspark` is importable.
- `reset_peak()` / `peak_mib()`: the process's peak resident set size (`VmHWM` in
  /proc/self/status, which writing "5" to /proc/self/clear_refs resets to the current size), so
  that a benchmark round reports its own peak, everything in the process included (the input
  rows, the interpreter, DuckDB's buffers). Off Linux, `ru_maxrss`, which cannot be reset.
"""

from __future__ import annotations

import importlib.util
import os
import resource

import pytest

from reasoner import Engine
from reasoner.load import event_schemas

SPARK_VARIABLE = "REASONER_BENCH_SPARK"


def engine(backend: str = "python", **options) -> Engine:
    """A new engine on `backend`, or a skip saying why there is none. The Python engine's limits
    are lifted: the whole library derives more than its default 5,000,000 tuples from 100,000
    events, and its default memory budget (at most 80% of the memory available when an
    evaluation starts) fell below what a 2,000,000-tuple closure needs while other processes
    filled a shared machine."""
    options = {"max_tuples": None, "max_memory": None, **options}
    if backend == "python":
        return Engine(**options)
    try:
        return Engine(backend=backend, **options)  # type: ignore[call-arg]
    except TypeError as error:  # an engine without backends
        pytest.skip(f"Engine(backend={backend!r}) is not available: {error}")
    except Exception as error:  # the backend's own refusal: not installed, no Java, ...
        pytest.skip(f"Engine(backend={backend!r}) could not start: {error}")


def event_engine(backend: str = "python", **options) -> Engine:
    """An engine on `backend` (no limits) with the event schema relations declared (`add_schema`)."""
    made = engine(backend, **options)
    for schema in event_schemas().values():
        made.add_schema(schema)
    return made


def spark_wanted() -> None:
    """Skip unless Spark was asked for and is installed."""
    if os.environ.get(SPARK_VARIABLE) != "1":
        pytest.skip(f"Spark runs only with {SPARK_VARIABLE}=1")
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed")


def reset_peak() -> float:
    """Start measuring the peak afresh; the resident set size now, in MiB."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    return peak_mib()


def peak_mib() -> float:
    """The process's peak resident set size since the last `reset_peak`, in MiB."""
    peak = status_mib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def status_mib(field: str) -> float | None:
    """A size in /proc/self/status (`VmHWM`, `VmRSS`) in MiB; None where /proc is not there."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
