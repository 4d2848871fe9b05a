"""`Engine(backend="duckdb")`: the Engine API with evaluation on a database.

The front end is the Python engine's: rule files, event files (lowered to facts of the event
schema), `.input` files and facts given through the API become an `EngineState` as they do
there, and the program is checked the same way. Only evaluation moves: `SqlEngine._commit`
compiles the checked program (`strata.compile_program`, once per program) and runs it on the
backend (`driver.Driver`), inside one transaction per change, so a load that fails (a check
error, an evaluation error, a construct the backend cannot run) leaves the database as it was.

- A new program is evaluated afresh: every relation's table is (re)created and filled with
  its base facts, except the tables of relations without rules whose facts did not change
  (kept as they are: loading rules onto imported facts does not copy the facts again).
- Facts added to an evaluated program (`add_facts`, event statements, `load_dataset`)
  continue the evaluation (`Driver.update`); retracted facts make it start afresh.
- `relation`, `size`, `query` read the tables; explanations (`explain`, `why_not`) read them
  through `reasoner.sql.explain`, with the same output as the Python engine.

Limits: `time_budget` holds on a backend that can interrupt a running statement (DuckDB's
`interrupt()`, from a timer, and checked between statements), `max_memory` on one that takes
a memory limit (DuckDB's `memory_limit`, set when `max_memory` is not the default); each
stops the evaluation with a `LimitError`, as on the Python engine, and the transaction is
rolled back. `max_tuples` and the per-value limits are not enforced by the SQL backends.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TextIO
from pathlib import Path

import attrs

from reasoner import ast
from reasoner.analysis import Analysis, check_query
from reasoner.engine import Engine
from reasoner.errors import CheckError, Diagnostic, EvaluationError, LoadError, QueryError, error
from reasoner.explain.search import ProofBuilder
from reasoner.facts_io import sort_key
from reasoner.frames import Answers
from reasoner.gcpause import paused_gc
from reasoner.load import Sources, analysis_of, parse_sources
from reasoner.program import RelationSchema
from reasoner.sql.backend import Backend
from reasoner.sql.database_facts import DatabaseFacts, check_loaded
from reasoner.sql.budget import enforced
from reasoner.sql.driver import Driver
from reasoner.sql.opening import missing_package, unknown_backend
from reasoner.sql.strata import Naming, StratumSql, compile_program, goal_select, table
from reasoner.state import EngineState, Row, Snapshot
from reasoner.stated_facts import no_relation, text_fact_rows

BACKENDS = ("python", "duckdb", "spark")


def open_backend(name: str, database: str | Path | None, spark_master: str | None = None) -> Backend:
    if name == "duckdb":
        try:
            from reasoner.sql.duckdb_backend import DuckDBBackend
        except ImportError as exc:
            raise LoadError(missing_package(name, exc)) from None

        return DuckDBBackend(database)
    if name == "spark":  # `spark_master`: None runs Spark on this machine (reasoner.sql.spark_session)
        try:
            from reasoner.sql.spark_backend import SparkBackend
        except ImportError as exc:
            raise LoadError(missing_package(name, exc)) from None

        return SparkBackend(spark_master)
    raise ValueError(unknown_backend(name))


class SqlEngine(Engine):
    """An `Engine` whose relations live in a database (see the module docstring)."""

    def __init__(self, *, backend: str = "duckdb", database: str | Path | None = None,
                 spark_master: str | None = None, **options: object):
        self._backend = open_backend(backend, database, spark_master)
        self._compiled: tuple[StratumSql, ...] = ()
        self._compiled_for: Analysis | None = None
        self._tables: dict[str, tuple[str, ...]] = {}  # the relations' tables and their column types
        self._kept: dict[str, object] = {}  # relation without rules -> the base rows its table holds
        # rows only the database holds: `.input` files DuckDB reads, a database file's earlier sessions
        self.database_facts = (DatabaseFacts(self._backend, database is not None) if backend in ("duckdb", "spark")
                               else None)
        stored = self.database_facts.reopen() if self.database_facts is not None else {}
        super().__init__(**options)  # type: ignore[arg-type]
        if self.database_facts is not None:
            self.database_facts.sandbox = self._sandbox
        if stored:
            self._commit(attrs.evolve(self._state, external={**self._state.external, **stored}))

    @property
    def backend(self) -> Backend:
        return self._backend

    def close(self) -> None:
        """Close the database connection (an on-disk database keeps its tables)."""
        self._backend.close()

    # ---- evaluation ----------------------------------------------------------------------

    def _commit(self, state: EngineState, analysis: Analysis | None = None,
                removed: dict[str, set[Row]] | None = None, work=None) -> list[Diagnostic]:
        """As the Python engine's; `work()`, if given, runs first inside the transaction."""
        current = self._state
        if analysis is None:
            analysis = analysis_of(current, state, self._strict)
        saved = (self._compiled, self._compiled_for, dict(self._tables), dict(self._kept))
        backend = self._backend
        backend.begin()
        try:
            if work is not None:
                work()
            if analysis is self._compiled_for and analysis is current.analysis and not removed:
                text_facts = current.text_facts
                self._continue(current, state)
                fresh = False
            else:
                text_facts = text_fact_rows(state.program.facts, analysis)
                self._afresh(state, analysis, text_facts)
                fresh = True
            backend.commit()
        except BaseException as exc:
            backend.rollback()
            self._compiled, self._compiled_for, self._tables, self._kept = saved
            message = backend.describe_error(exc)
            if message is not None:
                raise EvaluationError(error(f"evaluation failed on {backend.name}: {message}",
                                            self._failing_span)) from None
            raise
        self._install(attrs.evolve(state, analysis=analysis, plans=(), evaluation=None, text_facts=text_facts))
        if not fresh:
            return []
        previous = set(current.analysis.warnings) if current.analysis else set()
        return [w for w in analysis.warnings if w not in previous]

    _failing_span = None

    def _driver(self) -> Driver:
        driver = Driver(self._backend, self._compiled, self._tables)
        self._last_driver = driver
        return driver

    def _afresh(self, state: EngineState, analysis: Analysis, text_facts) -> None:
        self._compiled = compile_program(analysis, self._backend.name, self._backend.dialect)
        self._compiled_for = analysis
        derived = {name for s in self._compiled if s.stratum.rules for name in s.relations}
        backend = self._backend
        for name in set(self._tables) - set(analysis.schemas):
            backend.drop_table(name)
            self._tables.pop(name)
            self._kept.pop(name, None)
        nonempty = set()
        kept = {name for name, schema in analysis.schemas.items()
                if name not in derived and not text_facts.get(name) and self._tables.get(name) == schema.bases
                and name in self._kept and self._kept[name] is state.base.get(name)}
        backend.replace_tables([(name, schema.bases) for name, schema in analysis.schemas.items()
                                if name not in kept])
        for name, schema in analysis.schemas.items():
            types = schema.bases
            rows = state.base.get(name)
            text = text_facts.get(name)
            keep = name in kept
            if not keep:
                self._tables[name] = types
                self._kept.pop(name, None)
                every = list(rows or ())
                if text:
                    every = list(set(every) | text.keys()) if every else list(text)
                backend.insert_rows(name, types, every)
                if name not in derived and not text:
                    self._kept[name] = rows
            if rows or text:
                nonempty.add(name)
            facts = self.database_facts
            if facts is not None and facts.fill(name, schema, state.input_directives(name), fresh=not keep):
                nonempty.add(name)
        if self.database_facts is not None:
            self.database_facts.record(analysis.schemas, derived)
        self._run(lambda driver: driver.evaluate(nonempty))

    def _run(self, work) -> None:
        driver = self._driver()
        try:
            with enforced(self._limits, self._backend, driver):
                work(driver)
        finally:
            rules = driver.last_rules
            self._failing_span = rules[0].rule.span if rules else None

    def _continue(self, current: EngineState, state: EngineState) -> None:
        """Add the facts `state` has beyond `current` and continue the evaluation."""
        backend = self._backend
        derived = {name for s in self._compiled if s.stratum.rules for name in s.relations}
        read = {name for s in self._compiled for name in s.positive_inputs | s.negative_inputs | s.relations}
        changed: set[str] = set()
        for name, rows in state.base.items():
            before = current.base.get(name)
            if rows is before:
                continue
            new = list(rows - before) if before else list(rows)
            if not new:
                continue
            types = self._tables[name]
            added = Naming.helper(name, "added")
            if name not in derived:  # the table holds exactly the base facts: these are new
                if self.database_facts is not None:  # (or rows only the database holds)
                    new = self.database_facts.only_new(name, new)
                backend.insert_rows(name, types, new)
                if self._kept.get(name) is before:
                    self._kept[name] = rows
                if name in read:
                    backend.drop_table(added)
                    backend.create_table(added, types)
                    backend.insert_rows(added, types, new)
                    changed.add(name)
            else:
                incoming = Naming.helper(name, "incoming")
                backend.drop_table(incoming)
                backend.create_table(incoming, types)
                backend.insert_rows(incoming, types, new)
                backend.drop_table(added)
                sql_name = functools.partial(_sql_name, dialect=backend.dialect)
                backend.execute(f"CREATE TABLE {sql_name(added)} AS SELECT * FROM {sql_name(incoming)} "
                                f"EXCEPT SELECT * FROM {sql_name(name)}")
                backend.execute(f"INSERT INTO {sql_name(name)} SELECT * FROM {sql_name(added)}")
                backend.drop_table(incoming)
                changed.add(name)
        if not changed:
            return
        text_facts = current.text_facts

        def base_rows(name: str) -> Iterable[Row]:
            rows = set(state.base.get(name, ()))
            return rows | text_facts.get(name, {}).keys()

        self._run(lambda driver: driver.update(changed, base_rows))

    def load_dataset(self, format: str, paths: Iterable[str | Path], **options: object):
        """As the Python engine's; on DuckDB, GDELT files without filters or de-duplication go
        straight into the database, their rows never Python objects
        (`reasoner.datasets.duckdb_import`): the facts are those of the Python import, held in
        `<r> files` tables as `.input` files DuckDB reads are, and evaluated afresh. A file that
        path does not take (a bad row, a .zip...) is imported by the Python reader instead."""
        from reasoner.datasets import ImportOptions
        from reasoner.datasets.duckdb_import import RELATIONS, NotInSql, sql_importable
        from reasoner.events.vocabulary import load_vocabulary
        from reasoner.load import event_schemas

        chosen = ImportOptions.of(**options)
        paths = list(paths)
        if (self.database_facts is None or self._backend.name != "DuckDB" or self._sandbox is not None
                or sql_importable(format, paths, chosen)):
            return super().load_dataset(format, paths, **options)
        with self._lock:
            state = self._state
            known = frozenset(row[0] for row in state.base.get("actor", ()))
            schemas = event_schemas()
            facts = self.database_facts
            reports = []
            base = state.base
            if state.events is None and not base.get("verb"):  # the vocabulary the verbs are of
                base = {**base, "verb": {verb.fact() for verb in load_vocabulary()}}
            self._compiled_for = None  # afresh: the tables it fills are made again, with the rows
            for name in RELATIONS:
                self._kept.pop(name, None)
            try:
                self._commit(attrs.evolve(state, base=base, external={**state.external, **schemas}),
                             work=lambda: reports.append(facts.import_dataset(format, paths, chosen, known, schemas)))
            except NotInSql:
                return super().load_dataset(format, paths, **options)
            return reports[0]

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to a snapshot: its facts and rules, evaluated afresh on the backend."""
        with self._lock:
            if snapshot.owner is not self._pinned:
                raise ValueError("this snapshot was taken of another engine")
            state = snapshot.state
            self._state = attrs.evolve(state, analysis=None)
            self._compiled_for = None
            self._commit(state, state.analysis)

    # ---- reading ---------------------------------------------------------------------------

    def _known(self, name: str) -> None:
        schemas = self._state.schemas
        if name not in schemas or name not in self._tables:
            raise QueryError(no_relation(name, schemas))

    def relation(self, name: str) -> set[Row]:
        with self._lock:
            self._known(name)
            rows = self._backend.fetch(f"SELECT * FROM {_sql_name(name, self._backend.dialect)}")
            return {()} if rows and not self._tables[name] else set(rows)

    def size(self, name: str) -> int:
        with self._lock:
            self._known(name)
            return self._backend.count(name)

    def _sizes(self) -> dict[str, int]:
        with self._lock:
            return {name: self._backend.count(name) for name in self.relations() if name in self._tables}

    def outputs(self) -> list[tuple[ast.IODirective, RelationSchema, set[Row]]]:
        with self._lock:
            state = self._state
            return [(d, state.schemas[d.relation], self.relation(d.relation))
                    for d in state.program.directives if d.kind in ("output", "printsize")]

    def ask(self, query: ast.Query) -> Answers:
        with self._lock:
            state = self._state
            analysis = state.analysis
            assert analysis is not None
            names = ast.query_variables(query)
            types_by_body = _checked_goal(query, names, state)
            rows: set[Row] = set()
            for body in query.bodies:
                try:
                    select = goal_select(body, names, types_by_body[id(body)], analysis, self._backend.name)
                except CheckError as exc:
                    raise QueryError(list(exc.diagnostics)) from None
                try:
                    found = self._backend.fetch(select.sql(dialect=self._backend.dialect))
                except Exception as exc:
                    message = self._backend.describe_error(exc)
                    if message is None:
                        raise
                    raise EvaluationError(error(f"evaluation failed on {self._backend.name}: {message}",
                                                query.span)) from None
                rows.update(row[:len(names)] for row in found)
            return Answers(names, (dict(zip(names, row)) for row in sorted(rows, key=sort_key)))

    def _load_sources(self, sources: Sources) -> list[Diagnostic]:
        """As the Python engine, but DuckDB reads `.input` files itself (`reasoner.sql.database_facts`)."""
        if self.database_facts is None:
            return super()._load_sources(sources)
        with self._lock, paused_gc():  # as the Python engine's
            current = self._state
            parsed = parse_sources(current, sources, self._sandbox)
            loaded = check_loaded(current, parsed, self._strict, self._fact_dir or Path.cwd(), self._sandbox)
            return list(loaded.warnings) + self._commit(loaded.state, loaded.analysis)

    def write_outputs(self, output_dir: str | Path | None, stdout: TextIO | None = None) -> None:
        """As the Python engine; the files written by the database (`reasoner.sql.outputs`)."""
        from reasoner.sql.outputs import write_outputs

        with self._lock:
            write_outputs(self, Path(output_dir) if output_dir is not None else None, stdout, self._sandbox)

    def _proof_builder(self) -> ProofBuilder:
        """Explanations read the tables (`reasoner.sql.explain`), kept while the state lasts."""
        from reasoner.sql.explain import proof_builder

        state = self._state
        if self._builder is None or self._builder[0] is not state:
            self._builder = (state, proof_builder(self))
        return self._builder[1]

    def __repr__(self) -> str:
        sizes = self._sizes()
        return f"<Engine ({self._backend.name}): {len(sizes)} relations, {sum(sizes.values()):,} tuples>"


def _sql_name(name: str, dialect: str = "duckdb") -> str:
    return table(name).sql(dialect=dialect)


def _checked_goal(query: ast.Query, names: Sequence[str], state: EngineState) -> dict[int, dict[str, str]]:
    """The variable types of each alternative of a goal; a `QueryError` lists its problems."""
    diagnostics: list[Diagnostic] = []
    types_by_body: dict[int, dict[str, str]] = {}
    for body in query.bodies:
        diagnostics += check_query(body, state.schemas, types_by_body)
        bound = {n for literal in body for n in ast.literal_variables(literal)}
        missing = [n for n in names if n not in bound]
        if missing and len(query.bodies) > 1:
            diagnostics.append(error(f"every alternative of the goal must use the same variables; "
                                     f"`{missing[0]}` is missing from one", query.span))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise QueryError(errors)
    return types_by_body
