"""Ten million generated events on DuckDB (issue 15): generate, write to Parquet, load, evaluate.

    python benchmarks/run_10m.py                       # 10,000,000 events, the slice
    python benchmarks/run_10m.py --events 1000000 --program library
    python benchmarks/run_10m.py --peer hand           # the hand-written SQL (the slice) instead

1. The events of benchmarks/generated_events.py (same seed: the first 100,000 events are those of
   the 100,000-event benchmarks; the deadlines and preconditions drawn after them differ) are
   written one relation per Parquet file in `--dir` (default /tmp/reasoner-bench-parquet-N), in
   batches of 500,000 rows, without holding the rows (pyarrow's ParquetWriter). Skipped when the
   files are there already.
2. `--peer duckdb` (the default): `Engine(backend="duckdb", database=...)` with the event schema,
   an `.input` directive per file (DuckDB reads the Parquet itself: no Python rows), then the
   program: `--program slice` (benchmarks/library_slice.py, the default) or `library`
   (rules/*.dl; its pairs of events of a dyad grow with the square of the events: at 1,000,000
   events 40 million pairs, spilled to disk under `--memory-limit 4GB`, see benchmarks/README.md).
   `--peer hand`: a DuckDB database with the files as tables (`read_parquet`), then the hand
   SQL of benchmarks/sql/ (the slice).
3. Prints each stage's time, the sizes of `responds`, `escalation_step` and `escalation_chain`,
   and the process's peak resident set size (VmHWM), which includes DuckDB's memory. Each
   invocation is a fresh process, so the peak is the run's own. `--database PATH` keeps the
   database on disk (default: in memory, spilling to a directory in /tmp).

`--memory-limit 4GB` is a budget for the whole process: the engine's `max_memory` (DuckDB's
`memory_limit`, beyond which it spills tables and joins to disk) is the budget less what the
process holds once the engine is made (the interpreter, duckdb, sqlglot, pyarrow, the event
schema) and less a fifth of the rest for what DuckDB allocates outside its buffer pool and
the program's front end; the figure given to DuckDB is printed. The hand SQL's connection is
held to it the same way. Without it DuckDB takes its default, 80% of the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import backends  # noqa: E402
import generated_events  # noqa: E402
import hand_sql  # noqa: E402
import library_slice  # noqa: E402
from reasoner import Engine  # noqa: E402
from reasoner.load import event_schemas  # noqa: E402
from reasoner.resources import data_dir  # noqa: E402

BATCH = 500_000
ARROW_TYPES = {"symbol": "string", "date": "date32", "number": "int64", "unsigned": "int64",
               "float": "float64"}


def write_parquet(events: int, directory: Path) -> dict[str, int]:
    """The generated rows, one Parquet file per non-empty relation; the row counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schemas = event_schemas()
    arrow_schemas = {name: pa.schema([(c, getattr(pa, ARROW_TYPES[b])()) for c, b in zip(s.columns, s.bases)])
                     for name, s in schemas.items()}
    writers: dict[str, pq.ParquetWriter] = {}
    pending: dict[str, list[tuple]] = {name: [] for name in schemas}
    counts: dict[str, int] = {}

    def flush(name: str) -> None:
        rows = pending[name]
        if not rows:
            return
        schema = arrow_schemas[name]
        batch = pa.table({field.name: pa.array(list(column), type=field.type)
                          for field, column in zip(schema, zip(*rows))}, schema=schema)
        if name not in writers:
            writers[name] = pq.ParquetWriter(directory / f"{name}.parquet.part", schema)
        writers[name].write_table(batch)
        counts[name] = counts.get(name, 0) + len(rows)
        pending[name] = []

    for name, row in generated_events.rows(events):
        pending[name].append(row)
        if len(pending[name]) >= BATCH:
            flush(name)
    for name in schemas:
        flush(name)
    for name, writer in writers.items():
        writer.close()
        (directory / f"{name}.parquet.part").rename(directory / f"{name}.parquet")
    return counts


def parquet_files(directory: Path) -> dict[str, Path]:
    return {path.name.removesuffix(".parquet"): path for path in sorted(directory.glob("*.parquet"))}


# Units of --memory-limit, as DuckDB reads them (GB = 1000^3 bytes, GiB = 1024^3).
UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
# The part of the budget left to what DuckDB allocates outside its buffer pool and the front
# end (measured on the whole library at 1,000,000 events: DuckDB held to 3,070 MiB, the
# process at 130 MiB before the load, its peak 3,744 MiB: 544 MiB beyond the two).
OUTSIDE_POOL = 1 / 5


def parse_bytes(text: str) -> int:
    match = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", text)
    if not match or match.group(2).upper() not in UNITS:
        raise argparse.ArgumentTypeError(f"not an amount of memory: {text!r} (e.g. 4GB, 3500MiB)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def resident_mib() -> float:
    """The process's resident set size now, in MiB (0 where /proc is not there)."""
    return backends.status_mib("VmRSS") or 0.0


def database_budget(budget: int | None) -> int | None:
    """The memory DuckDB may take for a whole-process `budget`, given what the process holds
    now (see the module docstring); printed."""
    if budget is None:
        return None
    held = resident_mib()
    limit = max(int((budget - held * 2**20) * (1 - OUTSIDE_POOL)), 64 * 2**20)
    print(f"memory: a budget of {budget / 2**20:,.0f} MiB for the process, which holds {held:,.0f} MiB; "
          f"DuckDB's memory_limit {limit / 2**20:,.0f} MiB", flush=True)
    return limit


def run_engine(files: dict[str, Path], program: str, database: str | None, budget: int | None) -> dict[str, int]:
    engine = Engine(backend="duckdb", database=database)  # type: ignore[call-arg]
    for schema in event_schemas().values():
        engine.add_schema(schema)
    import pyarrow  # noqa: F401  (what the load will import, in the size the budget starts from)
    import sqlglot  # noqa: F401

    engine.set_limits(max_memory=database_budget(budget))
    inputs = "".join(f'.input {name}(filename="{path}")\n' for name, path in files.items())
    began = time.perf_counter()
    errors = [d for d in engine.load_text(inputs, name="inputs.dl") if d.severity == "error"]
    assert not errors, errors
    print(f"load the Parquet files into DuckDB: {time.perf_counter() - began:.1f} s "
          f"({engine.size('event'):,} events)", flush=True)
    began = time.perf_counter()
    if program == "library":
        diagnostics = engine.load(data_dir("rules"))
    else:
        diagnostics = engine.load_text(library_slice.slice_program(), name="slice.dl")
    errors = [d for d in diagnostics if d.severity == "error"]
    assert not errors, errors
    print(f"evaluate the {program}: {time.perf_counter() - began:.1f} s", flush=True)
    return {name: engine.size(name) for name in library_slice.TARGETS}


def run_hand(files: dict[str, Path], database: str | None, budget: int | None) -> dict[str, int]:
    import duckdb

    connection = duckdb.connect(database or ":memory:")
    memory_limit = database_budget(budget)
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}B'")
        connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/reasoner-bench-hand-{os.getpid()}'")
    began = time.perf_counter()
    schemas = event_schemas()
    for name, schema in schemas.items():
        columns = ", ".join(f'"{c}" {hand_sql.SQL_TYPES[b]}' for c, b in zip(schema.columns, schema.bases))
        connection.execute(f'CREATE OR REPLACE TABLE "{name}" ({columns})')
        if name in files:
            connection.execute(f"INSERT INTO \"{name}\" SELECT * FROM read_parquet('{files[name]}')")
    print(f"load the Parquet files into DuckDB: {time.perf_counter() - began:.1f} s", flush=True)
    began = time.perf_counter()
    hand_sql.run_files(connection)
    print(f"evaluate the hand SQL (the slice): {time.perf_counter() - began:.1f} s", flush=True)
    return {name: hand_sql.size(connection, name) for name in library_slice.TARGETS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--program", choices=("library", "slice"), default="slice")
    parser.add_argument("--peer", choices=("duckdb", "hand"), default="duckdb")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--database", default=None)
    parser.add_argument("--memory-limit", default=None, type=parse_bytes,
                        help="a memory budget for the whole process (e.g. 4GB, 3500MiB), of which DuckDB "
                             "gets what the process does not hold already, less a fifth (beyond it DuckDB "
                             "spills to disk); default DuckDB's own limit, 80%% of the machine's memory")
    options = parser.parse_args()
    directory = options.dir or Path(tempfile.gettempdir()) / f"reasoner-bench-parquet-{options.events}"
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / "event.parquet").exists():
        began = time.perf_counter()
        counts = write_parquet(options.events, directory)
        print(f"generate {options.events:,} events and write them to Parquet: "
              f"{time.perf_counter() - began:.1f} s ({sum(counts.values()):,} rows in {len(counts)} files, "
              f"{sum(p.stat().st_size for p in directory.glob('*.parquet')) / 2**20:.0f} MiB)", flush=True)
    files = parquet_files(directory)
    before = backends.reset_peak()
    began = time.perf_counter()
    cpu = time.process_time()
    if options.peer == "hand":
        sizes = run_hand(files, options.database, options.memory_limit)
    else:
        sizes = run_engine(files, options.program, options.database, options.memory_limit)
    print(f"total (load and evaluate): {time.perf_counter() - began:.1f} s, {time.process_time() - cpu:.1f} CPU s "
          f"(DuckDB's threads included); sizes: {sizes}")
    print(f"peak resident set size: {backends.peak_mib():,.0f} MiB (before loading: {before:,.0f} MiB)")


if __name__ == "__main__":
    main()
