"""Choosing a backend and opening its database, for the CLI, the REPL and `Engine(backend=...)`.

- `BACKENDS`: the names `--backend`, `:set backend` and `Engine(backend=...)` take;
  `backend_name(text)` checks one (an unknown name is a `ValueError` with a did-you-mean).
- `engine_options(backend, database, spark_master)`: the keyword arguments of `Engine` for a
  choice made on the command line (none for the Python engine); an option that does not go with the backend (`--database`
  with `--backend python`) is a `ValueError` saying which backend takes it.
- `open_error(target, exc)`: why DuckDB could not open a database file, said in the user's
  terms (a directory, not a DuckDB file, locked by another process, no such directory, no
  permission) with what to do about it, instead of DuckDB's own message.
- `missing_package(backend, exc)`: the diagnostic for a backend whose extra is not installed.
- `backend_problems(paths, backend)`: what `reasoner check --backend duckdb` adds: the constructs
  of a program the backend cannot run, found by compiling it for the backend (no database).
"""

from __future__ import annotations

import re
from pathlib import Path

from reasoner.errors import CheckError, Diagnostic, error
from reasoner.suggest import did_you_mean

BACKENDS = ("python", "duckdb", "spark")
# The extra of each backend (`pip install 'reasoner-events[duckdb]'`) and the package it brings.
EXTRAS = {"duckdb": "duckdb", "spark": "pyspark"}


def unknown_backend(name: str) -> str:
    """The message for a backend name that does not exist, with a did-you-mean."""
    near = did_you_mean(name, BACKENDS)
    choose = f"choose {', '.join(BACKENDS[:-1])} or {BACKENDS[-1]}"
    return f"unknown backend `{name}`; " + (f"{near} ({choose})" if near else choose)


def backend_name(text: str) -> str:
    """`text` as a backend name (case does not matter); raises ValueError for an unknown one."""
    name = text.strip().lower()
    if name not in BACKENDS:
        raise ValueError(unknown_backend(text))
    return name


def engine_options(backend: str = "python", database: str | Path | None = None,
                   spark_master: str | None = None) -> dict[str, object]:
    """The `Engine` keyword arguments for a backend and its options; raises ValueError when an
    option does not go with the backend."""
    backend = backend_name(backend)
    if database is not None and backend != "duckdb":
        raise ValueError(f"--database is for --backend duckdb (the {backend} backend has no database file)")
    if spark_master is not None and backend != "spark":
        raise ValueError(f"--spark-master is for --backend spark, not {backend}")
    if backend == "python":  # the default: no options (the Python engine takes none of these)
        return {}
    options: dict[str, object] = {"backend": backend}
    if backend == "duckdb" and database is not None:
        options["database"] = str(database)
    if backend == "spark" and spark_master is not None:
        options["spark_master"] = spark_master
    return options


def describe(options: dict[str, object]) -> str:
    """How a status line names a backend choice: `duckdb`, `duckdb (events.duckdb)`."""
    backend = str(options.get("backend", "python"))
    where = options.get("database") or options.get("spark_master")
    return f"{backend} ({where})" if where else backend


def open_error(target: str, exc: BaseException) -> Diagnostic:
    """Why DuckDB could not open the database `target`, and what to do (from its exception)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^[A-Za-z ]+ Error: ", "", text)
    path = Path(target)
    head = f"cannot open the DuckDB database {target}"
    if path.is_dir() or "Is a directory" in text:
        return error(f"{head}: it is a directory", None,
                     f"give the name of a database file in it, e.g. {path / 'reasoner.duckdb'}")
    if "not a valid DuckDB database" in text:
        return error(f"{head}: the file exists but is not a DuckDB database", None,
                     "give a new file name (DuckDB creates it) or the file of an earlier session")
    lock = re.search(r"Conflicting lock is held in (.*?)(?: \(PID (\d+)\))?\.?(?: See also|$)", text)
    if "Could not set lock" in text:
        holder = f" (PID {lock.group(2)})" if lock and lock.group(2) else ""
        return error(f"{head}: another process has it open{holder}", None,
                     "a DuckDB database file is used by one process at a time: close the other "
                     "session, or copy the file and open the copy")
    if "No such file or directory" in text:
        return error(f"{head}: the directory {path.parent} does not exist", None,
                     "create the directory first; DuckDB creates the database file itself")
    if "Permission denied" in text:
        return error(f"{head}: permission denied", None, "choose a file you may read and write")
    return error(f"{head}: {text}")


def missing_package(backend: str, exc: ImportError) -> Diagnostic:
    """The diagnostic for a backend whose package is not installed."""
    package = EXTRAS.get(backend, backend)
    return error(f"the {backend} backend needs the `{exc.name or package}` package, which is not installed",
                 None, f"pip install 'reasoner-events[{backend}]'")


def backend_problems(paths: list[str], backend: str, strict: bool = False) -> list[Diagnostic]:
    """The constructs of the program in `paths` that `backend` cannot run (each an error at its
    rule, naming the construct and the backend); [] for the Python engine or a program with other
    errors (`reasoner check` reports those)."""
    if backend == "python":
        return []
    from reasoner.load import analysis_of, parse_sources, read_paths
    from reasoner.sql.strata import compile_program
    from reasoner.state import EngineState

    problems: list[Diagnostic] = []
    parsed = parse_sources(EngineState(), read_paths(paths, problems=problems), problems=problems)
    if problems or not parsed.statements:
        return []
    try:
        analysis = analysis_of(EngineState(), parsed.state, strict)
    except CheckError:
        return []
    if backend == "spark":
        from reasoner.sql.spark_dialect import DIALECT

        name, dialect = "Spark", DIALECT
    else:
        name, dialect = "DuckDB", "duckdb"
    try:
        compile_program(analysis, name, dialect)
    except CheckError as exc:
        return list(exc.diagnostics)
    return []
