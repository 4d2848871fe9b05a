"""Benchmark: importing 1,000,000 generated GDELT 1.0 rows into the engine (issue 16: 100,000
rows/s or better, memory that does not grow with the file beyond the facts kept).

The rows are generated deterministically (`gdelt_rows(n)`: 58 columns, twelve countries as actor
and target with agent types, 18 CAMEO codes, a year of days, a URL per row on 500 sites) into a
file in a temporary directory, outside the timing. Each measurement runs in a fresh child process
(`python -c SCRIPT`), which first reads the file once with a plain `csv.reader` (the yardstick:
its speed moves with the machine's load as the import's does, so `ratio`, the import's time over
the csv pass's, and `cpu_ratio`, the same of their CPU times, can be compared between runs on a
busy machine), then imports it and reports its
wall time, rows per second and its peak resident set size (`VmHWM`, as in test_memory.py):
- `engine`: `Engine().load_dataset("gdelt1", [file])`, everything kept (14 facts a row);
- `read`: `reasoner.datasets.read_dataset` alone, the facts built but not given to an engine;
- `duckdb`: `Engine(backend="duckdb").load_dataset(...)`: the file read by DuckDB, the facts
  made in SQL, no Python row (reasoner/datasets/duckdb_import.py);
- `filtered`: `load_dataset` with `dyads=["RUS-USA"]` (about 1 row in 72 kept): the peak stays
  near the interpreter's, so reading is streamed and only kept facts cost memory;
- `floor`: the same number of 3-tuples added to Python sets by a bare loop (no parsing), the
  cost of holding the facts at all;
- `traced`: `read_dataset` under `tracemalloc`, whose peak (`traced_peak_mib`) counts the
  memory Python allocated, nothing else; compare it for 200,000 and 1,000,000 rows.
`python benchmarks/test_import.py [N] [MODE]` prints one measurement.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
COUNTRIES = ["USA", "RUS", "UKR", "CHN", "FRA", "DEU", "GBR", "IRN", "ISR", "TUR", "IND", "JPN"]
CODES = ["010", "020", "036", "040", "042", "043", "051", "057", "111", "112", "120", "130", "138",
         "163", "173", "190", "0834", "1246"]
TYPES = ["GOV", "MIL", "", "BUS", "COP"]


def gdelt_rows(n: int, seed: int = 1):
    """`n` GDELT 1.0 event rows (58 tab-separated columns), deterministic for a seed."""
    rnd = random.Random(seed)
    for i in range(n):
        a, b = rnd.choice(COUNTRIES), rnd.choice(COUNTRIES)
        t1, t2 = rnd.choice(TYPES), rnd.choice(TYPES)
        code = rnd.choice(CODES)
        day = f"2016{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        f = [""] * 58
        f[0], f[1], f[2], f[3], f[4] = str(500_000_000 + i), day, day[:6], day[:4], "2016.5"
        f[5], f[6], f[7], f[12] = a + t1, a, a, t1
        f[15], f[16], f[17], f[22] = b + t2, b, b, t2
        f[25], f[26], f[27], f[28] = ("1" if i % 3 else "0"), code, code[:3], code[:2]
        f[29], f[30] = "1", "1.0"
        f[31], f[32], f[33], f[34] = str(rnd.randint(1, 20)), "1", str(rnd.randint(1, 10)), "-1.5"
        f[50], f[56] = "Kyiv, Ukraine", "20160728"
        f[57] = f"http://news{i % 500}.example.com/story/{i}"
        yield "\t".join(f)


def write_rows(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in gdelt_rows(n):
            out.write(row + "\n")


SCRIPT = r'''
import csv, json, sys, time
path, mode, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])

def peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

from reasoner import Engine
from reasoner.datasets import ImportOptions, read_dataset
import reasoner.datasets.actors, pycountry  # imports outside the timing
start, cpu = time.perf_counter(), time.process_time()
with open(path, encoding="utf-8", newline="") as stream:
    for row in csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
        pass
plain, plain_cpu = time.perf_counter() - start, time.process_time() - cpu
before = peak()
traced = None
start, cpu = time.perf_counter(), time.process_time()
if mode == "engine":
    engine = Engine()
    kept = engine.load_dataset("gdelt1", [path], progress=False).kept
    facts = sum(engine.size(name) for name in engine.relations())
elif mode == "duckdb":
    engine = Engine(backend="duckdb")
    kept = engine.load_dataset("gdelt1", [path], progress=False).kept
    facts = sum(engine.size(name) for name in engine.relations())
elif mode == "filtered":
    engine = Engine()
    kept = engine.load_dataset("gdelt1", [path], dyads=["RUS-USA"], progress=False).kept
    facts = sum(engine.size(name) for name in engine.relations())
elif mode in ("read", "traced"):
    if mode == "traced":
        import tracemalloc
        tracemalloc.start()
    imported = read_dataset("gdelt1", [path], ImportOptions(progress=False))
    kept, facts = imported.report.kept, imported.report.facts
    if mode == "traced":
        traced = round(tracemalloc.get_traced_memory()[1] / 2 ** 20, 1)
else:  # floor: 14 tuples a row into sets
    import gc
    gc.disable()
    sets = [set() for _ in range(14)]
    for i in range(rows):
        key = "gdelt_%d" % i
        for s in sets:
            s.add((key, "k", "v"))
    kept, facts = rows, rows * 14
seconds, seconds_cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"kept": kept, "facts": facts, "seconds": round(seconds, 2),
                  "rows_per_s": round(rows / seconds), "csv_rows_per_s": round(rows / plain),
                  "ratio": round(seconds / plain, 2), "cpu_ratio": round(seconds_cpu / plain_cpu, 2),
                  "before_mib": round(before, 1),
                  "peak_mib": round(peak(), 1), "traced_peak_mib": traced}))
'''


def measure(path: Path, mode: str, rows: int) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path), mode, str(rows)], capture_output=True,
                          text=True, env=env, check=True, timeout=1800)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def gdelt_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gdelt") / "generated.export.CSV"
    write_rows(path, ROWS)
    return path


@pytest.mark.parametrize("mode", ["engine", "read", "filtered", "floor", "traced", "duckdb"])
@pytest.mark.benchmark(group="import: 1,000,000 GDELT 1.0 rows")
def test_import_gdelt(benchmark, gdelt_file, mode):
    pytest.importorskip("pycountry")
    if mode == "duckdb":
        pytest.importorskip("duckdb")
    result = benchmark.pedantic(measure, args=(gdelt_file, mode, ROWS), rounds=1, iterations=1)
    assert result["kept"] == (ROWS if mode != "filtered" else result["kept"]) and result["kept"] > 0
    benchmark.extra_info.update(result)
    print(f"\nimport {mode}: {result['rows_per_s']:,} rows/s ({result['seconds']} s; a csv.reader pass: "
          f"{result['csv_rows_per_s']:,} rows/s, {result['ratio']} x faster, {result['cpu_ratio']} x in CPU time), "
          f"{result['kept']:,} events, "
          f"{result['facts']:,} facts, peak {result['peak_mib']} MiB (before: {result['before_mib']} MiB)"
          + (f", tracemalloc peak {result['traced_peak_mib']} MiB" if result["traced_peak_mib"] else ""))


if __name__ == "__main__":
    import tempfile

    count = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    mode = sys.argv[2] if len(sys.argv) > 2 else "engine"
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "generated.export.CSV"
        write_rows(file, count)
        print(measure(file, mode, count))
