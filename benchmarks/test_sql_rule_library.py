"""The rule library on the SQL backends (issue 15): 100,000 and 1,000,000 generated events
(benchmarks/generated_events.py), the Python engine, the DuckDB backend, hand-written DuckDB SQL
and, when asked for (`REASONER_BENCH_SPARK=1`), the Spark backend in local[2].

Two programs:
- **the slice**: the rules of rules/escalation.dl and the files it includes that `responds`,
  `escalation_step` and `escalation_chain` depend on (87 relations, cut from the shipped files
  by benchmarks/library_slice.py), which benchmarks/sql/*.sql translate by hand; all three peers
  run it;
- **the whole library** (rules/*.dl): the Python engine (at 100,000 events only: it takes about
  20 s there, and would not fit in memory at 1,000,000) and the DuckDB backend.

What is timed, as in test_rule_library.py: the rules on an engine or database that already holds
the facts. The engines get the event schema (`add_schema`) and the facts (`add_facts`) in the
untimed setup; the timed call is `load_text(slice)` or `load(rules/)`: parse, check, plan,
evaluate. The hand SQL gets the facts as DuckDB tables in the untimed setup; the timed call runs
its statements. Each round starts from a fresh engine or database.

Checks, after the rounds: at 100,000 events every peer's relations equal the Python engine's (the
slice: all 87 relations; the whole library: every relation); at 1,000,000 the DuckDB backend's
slice equals the hand SQL's (which equals the Python engine's at 100,000 and on the shipped
corpus), and the whole library's `responds`, `escalation_step` and `escalation_chain` equal the
hand SQL's. Floats are compared exactly, except where a relation differs only beyond the 12th
significant digit (a sum added up in another order): such relations are named in
`extra_info["equal up to float rounding"]`.

Memory: `extra_info["peak_mib"]` is the process's peak resident set size during the timed call
(backends.py: VmHWM, reset before each round), everything in the process included: the generated
Python rows (`extra_info["before_mib"]` is the size before the call), the engine, DuckDB.

    python -m pytest benchmarks/test_sql_rule_library.py -k 100k --benchmark-columns=min,mean,max,rounds
    python -m pytest benchmarks/test_sql_rule_library.py -k 1m   # the heavy runs, one round each
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import backends
import generated_events
import hand_sql
import library_slice
from reasoner import Engine
from reasoner.load import event_schemas
from reasoner.resources import data_dir

SMALL, LARGE = 100_000, 1_000_000
_FACTS: dict[int, dict[str, list[tuple]]] = {}
_ORACLE: dict[tuple[str, int], dict[str, set[tuple]]] = {}


def facts(events: int) -> dict[str, list[tuple]]:
    if events not in _FACTS:
        _FACTS.clear()  # hold one size at a time
        _FACTS[events] = generated_events.generate(events)
    return _FACTS[events]


def prepared(backend: str, events: int) -> Engine:
    engine = backends.event_engine(backend)
    for name, rows in facts(events).items():
        if rows:
            engine.add_facts(name, rows)
    return engine


def load_slice(engine: Engine) -> Engine:
    diagnostics = engine.load_text(library_slice.slice_program(), name="slice.dl")
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    return engine


def load_library(engine: Engine) -> Engine:
    diagnostics = engine.load(data_dir("rules"))
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    return engine


def timed(benchmark, run: Callable, setup: Callable, rounds: int):
    """`benchmark.pedantic(run)` with a fresh `setup()` each round; the peak resident set size
    of each timed call (and the size before it) in `extra_info`."""
    peaks: list[float] = []
    before: list[float] = []

    def prepared_round():
        value = setup()
        before.append(backends.reset_peak())
        return (value,), {}

    def measured(value):
        result = run(value)
        peaks.append(backends.peak_mib())
        return result

    result = benchmark.pedantic(measured, setup=prepared_round, rounds=rounds, iterations=1)
    benchmark.extra_info["before_mib"] = round(max(before))
    benchmark.extra_info["peak_mib"] = round(max(peaks))
    return result


def engine_relations(engine: Engine, names) -> dict[str, set[tuple]]:
    return {name: engine.relation(name) for name in names}


def rounded(rows: set[tuple]) -> set[tuple]:
    return {tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in row) for row in rows}


def compare(benchmark, got: dict[str, set[tuple]], expected: dict[str, set[tuple]]) -> None:
    """Every relation of `expected` equal in `got`; float differences beyond the 12th significant
    digit are allowed and recorded."""
    loose = []
    for name, rows in expected.items():
        if got[name] != rows:
            assert rounded(got[name]) == rounded(rows), (
                f"{name}: {len(got[name])} rows, expected {len(rows)}; "
                f"unexpected {sorted(got[name] - rows)[:3]}, missing {sorted(rows - got[name])[:3]}")
            loose.append(name)
    benchmark.extra_info["relations compared"] = len(expected)
    benchmark.extra_info["equal up to float rounding"] = loose
    benchmark.extra_info["sizes"] = {name: len(expected[name]) for name in library_slice.TARGETS}


def slice_oracle(events: int) -> dict[str, set[tuple]]:
    """The slice's derived relations as the Python engine computes them (at 100,000 events)."""
    if ("slice", events) not in _ORACLE:
        _ORACLE[("slice", events)] = engine_relations(load_slice(prepared("python", events)),
                                                      library_slice.derived_relations())
    return _ORACLE[("slice", events)]


def hand_connection(events: int):
    return hand_sql.connect(facts(events), event_schemas())


def run_hand(connection):
    hand_sql.run_files(connection)
    return connection


def hand_relations(connection, names) -> dict[str, set[tuple]]:
    return {name: hand_sql.relation(connection, name) for name in names}


def engine_round(benchmark, backend: str, events: int, load: Callable, rounds: int) -> Engine:
    if backend == "spark":
        backends.spark_wanted()
    backends.engine(backend)  # skip before generating anything if there is no such backend
    return timed(benchmark, load, lambda: prepared(backend, events), rounds)


# ---- the slice, 100,000 events ------------------------------------------------------------------
G_SLICE_SMALL = f"SQL backends: rule library slice (responds, escalation), {SMALL:,} events"


@pytest.mark.parametrize("backend", ["python", "duckdb", "spark"])
@pytest.mark.benchmark(group=G_SLICE_SMALL)
def test_slice_100k_engine(benchmark, backend):
    engine = engine_round(benchmark, backend, SMALL, load_slice, rounds=2 if backend == "python" else 3)
    got = engine_relations(engine, library_slice.derived_relations())
    if backend == "python":
        _ORACLE[("slice", SMALL)] = got
    compare(benchmark, got, slice_oracle(SMALL))


@pytest.mark.benchmark(group=G_SLICE_SMALL)
def test_slice_100k_hand_sql(benchmark):
    connection = timed(benchmark, run_hand, lambda: hand_connection(SMALL), rounds=3)
    compare(benchmark, hand_relations(connection, library_slice.derived_relations()), slice_oracle(SMALL))


# ---- the slice, 1,000,000 events ----------------------------------------------------------------
G_SLICE_LARGE = f"SQL backends: rule library slice (responds, escalation), {LARGE:,} events"


def hand_reference(events: int) -> dict[str, set[tuple]]:
    """The hand SQL's slice at `events` (the reference where the Python engine does not run)."""
    if ("hand", events) not in _ORACLE:
        connection = run_hand(hand_connection(events))
        _ORACLE[("hand", events)] = hand_relations(connection, library_slice.derived_relations())
        connection.close()
    return _ORACLE[("hand", events)]


@pytest.mark.benchmark(group=G_SLICE_LARGE)
def test_slice_1m_hand_sql(benchmark):
    connection = timed(benchmark, run_hand, lambda: hand_connection(LARGE), rounds=1)
    _ORACLE[("hand", LARGE)] = hand_relations(connection, library_slice.derived_relations())
    connection.close()
    benchmark.extra_info["sizes"] = {name: len(_ORACLE[("hand", LARGE)][name]) for name in library_slice.TARGETS}


@pytest.mark.benchmark(group=G_SLICE_LARGE)
def test_slice_1m_duckdb(benchmark):
    engine = engine_round(benchmark, "duckdb", LARGE, load_slice, rounds=1)
    names = library_slice.derived_relations()
    got = engine_relations(engine, names)
    del engine
    compare(benchmark, got, hand_reference(LARGE))


# ---- the whole library ------------------------------------------------------------------------------
G_LIBRARY_SMALL = f"SQL backends: whole rule library, {SMALL:,} events"
G_LIBRARY_LARGE = f"SQL backends: whole rule library, {LARGE:,} events"


@pytest.mark.parametrize("backend", ["python", "duckdb", "spark"])
@pytest.mark.benchmark(group=G_LIBRARY_SMALL)
def test_library_100k_engine(benchmark, backend):
    engine = engine_round(benchmark, backend, SMALL, load_library, rounds=2 if backend == "python" else 3)
    got = engine_relations(engine, engine.relations())
    del engine
    if backend == "python":
        _ORACLE[("library", SMALL)] = got
    elif ("library", SMALL) not in _ORACLE:
        oracle = load_library(prepared("python", SMALL))
        _ORACLE[("library", SMALL)] = engine_relations(oracle, oracle.relations())
    compare(benchmark, got, _ORACLE[("library", SMALL)])


@pytest.mark.benchmark(group=G_LIBRARY_LARGE)
def test_library_1m_duckdb(benchmark):
    engine = engine_round(benchmark, "duckdb", LARGE, load_library, rounds=1)
    got = engine_relations(engine, library_slice.TARGETS)
    benchmark.extra_info["sizes of every relation"] = {name: engine.size(name) for name in engine.relations()}
    del engine
    reference = hand_reference(LARGE)
    compare(benchmark, got, {name: reference[name] for name in library_slice.TARGETS})
