"""Where the DuckDB backend's time goes on the rule library (issue 15), by CPU time
(`time.process_time`, steadier than wall time on a shared machine) and wall time, side by side
with the hand SQL and, if asked for, the Python engine, in one process.

    python benchmarks/profile_sql_perf.py [EVENTS] [--python] [--statements N]

`--statements N` lists the N slowest statements of the library on DuckDB (wall time each).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import backends  # noqa: E402
import generated_events  # noqa: E402
import hand_sql  # noqa: E402
import library_slice  # noqa: E402
from reasoner.load import event_schemas  # noqa: E402
from reasoner.resources import data_dir  # noqa: E402


def timed(label, work):
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    print(f"{label:<28} cpu {time.process_time() - cpu:7.2f} s   wall {time.perf_counter() - wall:7.2f} s",
          flush=True)
    return result


def prepared(backend, facts):
    engine = backends.event_engine(backend)
    for name, rows in facts.items():
        if rows:
            engine.add_facts(name, rows)
    return engine


def main() -> None:
    args = sys.argv[1:]
    events = int(args[0]) if args and args[0].isdigit() else 100_000
    facts = generated_events.generate(events)
    slice_text = library_slice.slice_program()
    slowest = int(args[args.index("--statements") + 1]) if "--statements" in args else 0
    print(f"{events:,} events", flush=True)

    connection = hand_sql.connect(facts, event_schemas())
    timed("hand SQL slice", lambda: hand_sql.run_files(connection))
    connection.close()

    engine = prepared("duckdb", facts)
    timed("duckdb slice", lambda: engine.load_text(slice_text, name="slice.dl"))
    print("  statements:", engine._last_driver.statements)
    engine = prepared("duckdb", facts)
    if slowest:
        import reasoner.sql.driver as driver_module

        log: list[tuple[float, str]] = []
        original = driver_module.Driver.run

        def run(self, statement, rules=()):
            start = time.perf_counter()
            original(self, statement, rules)
            log.append((time.perf_counter() - start, statement))

        driver_module.Driver.run = run
    timed("duckdb library", lambda: engine.load(data_dir("rules")))
    print("  statements:", engine._last_driver.statements)
    timed("duckdb add one event", lambda: engine.add_facts("event", [("h-sql-perf-new0",) + facts["event"][0][1:]]))
    engine = prepared("duckdb", facts)
    timed("duckdb library, 2nd engine", lambda: engine.load(data_dir("rules")))
    first = facts["event"][0]
    timed("duckdb add one event, 2nd engine", lambda: engine.add_facts("event", [("h-sql-perf-new",) + first[1:]]))
    if slowest:
        for seconds, statement in sorted(log, reverse=True)[:slowest]:
            print(f"{seconds:6.2f} {statement[:300]}")
    if "--python" in args:
        python = prepared("python", facts)
        timed("python slice", lambda: python.load_text(slice_text, name="slice.dl"))
        python = prepared("python", facts)
        timed("python library", lambda: python.load(data_dir("rules")))


if __name__ == "__main__":
    main()
