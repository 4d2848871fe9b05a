"""The public `Engine`: load rules and facts, evaluate, query.

An `Engine` owns all of its state: two engines never share relations, plans or caches, and
one engine may be used from several threads (calls are serialised by the engine's lock).
Every change is atomic: a load, or an `add_facts`, that fails leaves the engine as it was.

The engine is a façade: what it knows is one immutable `EngineState` (`reasoner.state`),
replaced on every change. Files and text become a state through the load pipeline
(`reasoner.load`); a new state is checked, planned and evaluated by `reasoner.commit`; facts
given through the API are checked by `reasoner.stated_facts`; goals are answered by
`reasoner.goals`, proofs rebuilt by `reasoner.explain`, stages printed by `reasoner.dump`.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.commit import Settings, commit
from reasoner.dump import dump
from reasoner.errors import Diagnostic, LoadError, QueryError, error
from reasoner.evaluate import Evaluation
from reasoner.explain.proof import Proof, WhyNot
from reasoner.explain.search import ProofBuilder, fact_text
from reasoner.explain.whynot import why_not
from reasoner.facts_io import write_outputs
from reasoner.files import Sandbox
from reasoner.frames import Answers, html_table, relation_frame, rows_of
from reasoner.gcpause import paused_gc
from reasoner.goals import answer
from reasoner.limits import DEFAULT_MAX_MEMORY, DEFAULT_MAX_TUPLES, Limits
from reasoner.load import Sources, check_loaded, event_schemas, parse_sources, read_paths
from reasoner.program import Program, RelationSchema
from reasoner.progress import logger
from reasoner.source import SourceText
from reasoner.state import EngineState, Row, Rows, Snapshot
from reasoner.stated_facts import checked_rows, ground_fact, no_relation, retraction, schema_of_rows
from reasoner.syntax import parse_query
from reasoner.user_functors import Bindings

if TYPE_CHECKING:
    import pandas

    from reasoner.datasets import ImportReport


class Engine:
    """A Datalog engine instance.

    >>> engine = Engine()
    >>> warnings = engine.load_text('''
    ...     .decl edge(x: number, y: number)
    ...     .decl path(x: number, y: number)
    ...     edge(1, 2). edge(2, 3).
    ...     path(X, Y) :- edge(X, Y).
    ...     path(X, Z) :- path(X, Y), edge(Y, Z).
    ... ''')
    >>> engine.query("path(1, X)")
    [{'X': 2}, {'X': 3}]
    """

    def __new__(cls, *args: object, backend: str = "python", **options: object) -> Engine:
        """`Engine(backend="duckdb", database=None|path)`: the same API, evaluated by SQL on
        DuckDB (`reasoner.sql`; `database`: a file keeps the tables between sessions);
        `backend="python"` (the default): evaluated by this engine."""
        if cls is Engine and backend != "python":
            try:
                from reasoner.sql.engine import SqlEngine
            except ImportError as exc:  # the backend's extra is not installed (sqlglot...)
                from reasoner.sql.opening import missing_package

                raise LoadError(missing_package(backend, exc)) from None

            return super().__new__(SqlEngine)
        return super().__new__(cls)

    def __init__(self, *, fact_dir: str | Path | None = None, strict: bool = False,
                 max_tuples: int | None = DEFAULT_MAX_TUPLES, time_budget: float | None = None,
                 max_memory: int | None = DEFAULT_MAX_MEMORY, derivations: bool = True, sandbox: bool = False,
                 allowed_dirs: Iterable[str | Path] = (), progress: TextIO | None = None, backend: str = "python",
                 functors: Mapping[str, Callable[..., Any]] | None = None):
        """`fact_dir`: where `.input` directives look for fact files (default: the current
        directory, as Soufflé). `strict`: a relation used but never declared is an error
        (batch mode) rather than a warning. `max_tuples` and `time_budget` (seconds) stop a
        runaway evaluation with a `LimitError`, and so does `max_memory` (bytes the derived
        tuples may take, by estimate; default half of the machine's memory); None lifts a limit.
        `derivations`: keep the
        records `explain` rebuilds proofs from (a few bytes per derived tuple).

        `sandbox=True` is for rules from people you do not trust: every file the engine reads
        or writes (`load` paths, `#include`, `.input`, `write_outputs`) must lie inside one of
        `allowed_dirs` once symbolic links are resolved (none given: nothing may be read); a
        file outside is refused without being opened, so no message quotes it.

        `progress`: a stream (such as `sys.stderr` on a terminal) on which an evaluation that
        runs longer than a second draws a progress line (stratum, round, tuples so far); None
        (the default): none. Timings go to the `reasoner` logger at debug level either way.

        `functors`: the Python callables of the user-defined functors the rules declare
        (`.functor f(x: number): number`, applied as `@f(X)`), by name."""
        if allowed_dirs and not sandbox:
            raise ValueError("allowed_dirs is for sandbox=True")
        self._sandbox = Sandbox.of(allowed_dirs) if sandbox else None
        self._fact_dir = Path(fact_dir) if fact_dir is not None else None
        self._strict = strict
        self._limits = Limits(max_tuples, time_budget, max_memory)
        self._derivations = derivations
        self._progress = progress
        self._lock = threading.RLock()
        self._state = EngineState(program=Program(bindings=Bindings.of(functors)))
        self._builder: tuple[EngineState, ProofBuilder] | None = None
        # evaluations a snapshot holds: an update copies their relations before changing them
        self._pinned: weakref.WeakValueDictionary[int, Evaluation] = weakref.WeakValueDictionary()
        self._commit(self._state)

    @property
    def limits(self) -> Limits:
        return self._limits

    def set_limits(self, *, max_tuples: int | None | object = ..., time_budget: float | None | object = ...,
                   max_memory: int | None | object = ...) -> None:
        """Change the limits for later evaluations (an argument left out keeps its value)."""
        with self._lock:
            changes: dict[str, Any] = {}  # checked by `Limits`
            if max_tuples is not ...:
                changes["max_tuples"] = max_tuples
            if time_budget is not ...:
                changes["time_budget"] = time_budget
            if max_memory is not ...:
                changes["max_memory"] = max_memory
            self._limits = attrs.evolve(self._limits, **changes)

    @property
    def state(self) -> EngineState:
        """What the engine knows now, read through `EngineState`'s read interface (by
        `explain`, the question catalogue). A state is never changed once installed, except
        that its relations may be updated in place by the next change: read it at once."""
        return self._state

    # ---- loading ---------------------------------------------------------------------
    def load(self, *paths: str | Path) -> list[Diagnostic]:
        """Load rule files (`.dl`) and event files (`.events`); a directory stands for the
        files in it, a pattern such as `corpus/*.events` for the files it matches. All of
        them are loaded as one change: returns the warnings, or raises a `ReasonerError` and
        changes nothing if any file has an error."""
        started = time.perf_counter()
        warnings = self._load_sources(read_paths(paths, self._sandbox))
        logger.debug("loaded %s in %.3f s", ", ".join(str(p) for p in paths) or "nothing",
                     time.perf_counter() - started)
        return warnings

    def load_text(self, text: str, name: str = "<text>", kind: str = "dl") -> list[Diagnostic]:
        """Load text as if it were a file called `name`: rules (`kind="dl"`) or event
        statements (`kind="events"`)."""
        return self._load_sources(Sources.of_text(text, name, kind))

    def _load_sources(self, sources: Sources) -> list[Diagnostic]:
        # the collector paused while the rule files' syntax trees, the analysis and the plans
        # are built: objects that live on (`reasoner.gcpause`); parsing the rule library with
        # 100,000 events' facts in memory took twice as long with it running
        with self._lock, paused_gc():
            current = self._state
            parsed = parse_sources(current, sources, self._sandbox)
            loaded = check_loaded(current, parsed, self._strict, self._fact_dir or Path.cwd(), self._sandbox)
            return list(loaded.warnings) + self._commit(loaded.state, loaded.analysis)

    def add_facts(self, relation: str, rows: Iterable[Iterable[object]]) -> None:
        """Add rows (sequences of str, int, float or datetime.date) to a relation. A relation
        that does not exist yet is created with the column types of the first row."""
        given = rows_of(rows)
        with self._lock:
            state = self._state
            schema = state.schemas.get(relation)
            external = dict(state.external)
            if schema is None:
                if not given:
                    return
                schema = external[relation] = schema_of_rows(relation, given[0])
            converted = checked_rows(relation, schema, given)
            base: dict[str, Rows] = dict(state.base)
            base[relation] = set(base.get(relation, ())) | converted
            self._commit(attrs.evolve(state, base=base, external=external))

    def retract_facts(self, relation: str, rows: Iterable[Iterable[object]]) -> None:
        """Take back facts: rows of `relation` that were added (`add_facts`, event statements,
        `.input` files) or stated in rule text (`response_window(60).`), and everything that
        held only because of them. Atomic like `add_facts`: if a row is not a stated fact of
        the relation (it is derived, or does not hold), a `LoadError` names it and nothing
        changes. The evaluation is updated, not redone: what the retracted facts reach is taken
        out and derived again (see `reasoner.update`)."""
        given = rows_of(rows)
        with self._lock:
            state = self._state
            schema = state.schemas.get(relation)
            if schema is None:
                raise QueryError(no_relation(relation, state.schemas))
            converted = checked_rows(relation, schema, given)
            changed = retraction(state, relation, converted)
            if not converted:
                return
            self._commit(changed, state.analysis, removed={relation: converted})

    def retract(self, fact: str) -> None:
        """`retract_facts` for one fact written as rule text, e.g. `retract('response_window(60)')`."""
        with self._lock:
            relation, row, _span = ground_fact(fact, self._state.schemas)
            self.retract_facts(relation, [row])

    def snapshot(self) -> Snapshot:
        """What the engine holds now, to go back to with `restore` (a what-if: take a snapshot,
        add or retract facts, load rules, then restore). Costs nothing until the next change,
        which then copies the relations it would change in place (once per snapshot)."""
        with self._lock:
            state = self._state
            if state.evaluation is not None:
                self._pinned[id(state.evaluation)] = state.evaluation
            return Snapshot(self._pinned, state)

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to what the engine held when `snapshot` was taken (rules, facts, relations;
        the limits stay as they are now). The snapshot stays valid: restore it again later."""
        with self._lock:
            if snapshot.owner is not self._pinned:
                raise ValueError("this snapshot was taken of another engine")
            self._state = snapshot.state

    def load_dataset(self, format: str, paths: Iterable[str | Path], **options: object) -> ImportReport:
        """Import machine-coded event data (`format`: gdelt1, gdelt2, icews, polecat, acled) as
        facts of the event schema, next to whatever is loaded; returns the `ImportReport`.
        Options (see `reasoner.datasets.ImportOptions`): since, until, countries, dyads,
        root_only, dedupe, actors ("all" or "states"), max_bad_rows (default 0), progress.
        All or nothing: on a `LoadError` (a file of another format, a damaged or empty file,
        more bad rows than max_bad_rows) the engine is unchanged."""
        from reasoner.datasets import ImportOptions, read_dataset
        from reasoner.events.vocabulary import load_vocabulary

        chosen = ImportOptions.of(**options)
        paths = list(paths)
        if self._sandbox is not None:
            refused = [p for p in paths if not self._sandbox.allows(p)]
            if refused:
                raise LoadError(error(f"cannot read {refused[0]}: outside the allowed directories"))
        with self._lock:
            state = self._state
            known = frozenset(row[0] for row in state.base.get("actor", ()))
            imported = read_dataset(format, paths, chosen, known)
            base = dict(state.base)
            facts = imported.sink.facts
            if state.events is None and not base.get("verb"):  # the vocabulary the verbs are of
                facts = {**facts, "verb": {verb.fact() for verb in load_vocabulary()}}
            for name, rows in facts.items():
                old = base.get(name)
                base[name] = (old | rows) if old else rows
            external = dict(state.external)
            external.update(event_schemas())
            spans = {**imported.sink.spans, **state.statement_spans}  # a statement's own span first
            self._commit(attrs.evolve(state, base=base, external=external, statement_spans=spans))
            return imported.report

    def add_schema(self, schema: RelationSchema) -> None:
        """Declare a relation fed from outside the rule text (used by the event loader)."""
        with self._lock:
            external = dict(self._state.external)
            external[schema.name] = schema
            self._commit(attrs.evolve(self._state, external=external))

    def _commit(self, state: EngineState, analysis: Analysis | None = None,
                removed: dict[str, set[Row]] | None = None) -> list[Diagnostic]:
        """Check, plan and evaluate `state`, and install it if all of that succeeds
        (`reasoner.commit`); returns the new warnings."""
        settings = Settings(self._limits, self._derivations, self._strict, self._progress)
        return commit(self._state, state, analysis, removed or {}, settings, self._pinned, self._install)

    def _install(self, state: EngineState) -> None:
        self._state = state

    # ---- reading -----------------------------------------------------------------------
    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Warnings about the program as loaded so far."""
        analysis = self._state.analysis
        return analysis.warnings if analysis is not None else ()

    def relations(self) -> dict[str, int]:
        """Every relation's name and arity, sorted by name."""
        with self._lock:
            schemas = self._state.schemas
            return {name: schemas[name].arity for name in sorted(schemas)}

    def schema(self, name: str) -> RelationSchema:
        with self._lock:
            schemas = self._state.schemas
            if name not in schemas:
                raise QueryError(no_relation(name, schemas))
            return schemas[name]

    def relation(self, name: str) -> set[Row]:
        """The tuples of a relation, as a new set of tuples of Python values."""
        with self._lock:
            relations = self._state.relations
            if name not in relations:
                raise QueryError(no_relation(name, relations))
            return set(relations[name].tuples)

    def to_pandas(self, name: str) -> pandas.DataFrame:
        """A relation as a pandas DataFrame (sorted rows), its columns named as in the `.decl`."""
        with self._lock:
            columns = self.schema(name).columns
            return relation_frame(columns, self.relation(name))

    def __repr__(self) -> str:
        sizes = self._sizes()
        return (f"<Engine: {len(sizes)} relations, {sum(sizes.values()):,} tuples>")

    def _repr_html_(self) -> str:
        sizes = self._sizes()
        return html_table(("relation", "arity", "tuples"),
                          [(n, a, sizes[n]) for n, a in self.relations().items()], empty="no relations")

    def _sizes(self) -> dict[str, int]:
        with self._lock:
            return {name: self.size(name) for name in self.relations() if name in self._state.relations}

    def size(self, name: str) -> int:
        with self._lock:
            relations = self._state.relations
            if name not in relations:
                raise QueryError(no_relation(name, relations))
            return len(relations[name].tuples)

    @property
    def program(self) -> Program:
        return self._state.program

    def query(self, goal: str) -> Answers:
        """Answer a goal (`?- p(X), X > 2.`, `p(X), X > 2` ...): one dict per answer, from
        variable name to value, sorted. A goal without variables gives `[{}]` or `[]`."""
        source = SourceText("<query>", goal)
        query = parse_query(source)
        return self.ask(query)

    def ask(self, query: ast.Query) -> Answers:
        with self._lock:
            return answer(self._state, query, self._limits)

    def explain(self, fact: str, depth: int | None = None) -> Proof:
        """The minimal-height proof of a fact that holds, e.g. `explain('path(1, 3)')`: a tree of
        `ProofNode`s whose leaves are input facts with their origin (for event facts, the
        statement and the article quotes). Derived facts more than `depth` levels down are
        elided (None: the whole proof). Raises `QueryError` if the fact does not hold."""
        with self._lock:
            relation, row, span = ground_fact(fact, self._state.schemas)
            builder = self._proof_builder()
            if not builder.holds(relation, row):
                raise QueryError(error(f"{fact_text(relation, row)} does not hold", span,
                                       "why-not (`:whynot` in the REPL, `--whynot` on the command "
                                       "line) shows which literal of each rule fails"))
            return builder.proof(relation, row, depth)

    def why_not(self, fact: str) -> WhyNot:
        """Why a fact does not hold: for each rule that could derive it, the first body literal
        with no match under the bindings so far. Raises `QueryError` if the fact holds."""
        with self._lock:
            relation, row, span = ground_fact(fact, self._state.schemas)
            builder = self._proof_builder()
            if builder.holds(relation, row):
                raise QueryError(error(f"{fact_text(relation, row)} holds", span,
                                       "why (`:why` in the REPL, `--why` on the command line) "
                                       "shows its proof"))
            return why_not(builder, relation, row)

    def _proof_builder(self) -> ProofBuilder:
        """The proof builder of the current state (kept while the state lasts)."""
        state = self._state
        cached = self._builder
        if cached is None or cached[0] is not state:
            cached = self._builder = (state, ProofBuilder(state))
        return cached[1]

    def dump(self, stage: str, relation: str | None = None) -> str:
        """A printable view of one pipeline stage: 'ast' (the program as parsed, disjunctions
        expanded), 'strata' (evaluation order), 'plan' (the steps of each rule's plan, one a
        line, indented by nesting) or 'code' (the Python generated for each plan). With
        `relation`, 'plan' and 'code' show only the plans of the rules that derive it."""
        with self._lock:
            return dump(self._state, stage, relation)

    def outputs(self) -> list[tuple[ast.IODirective, RelationSchema, set[Row]]]:
        """The `.output` / `.printsize` directives with their relation's schema and tuples."""
        with self._lock:
            state = self._state
            return [
                (d, state.schemas[d.relation], set(state.relations[d.relation].tuples))
                for d in state.program.directives
                if d.kind in ("output", "printsize")
            ]

    def write_outputs(self, output_dir: str | Path | None, stdout: TextIO | None = None) -> None:
        """Write the `.output` and `.printsize` relations as Soufflé does, to `output_dir`
        (None: to `stdout`, default `sys.stdout`). All or nothing: each file is written aside
        and renamed into place once every one was written, so on a `LoadError` (a file that
        cannot be written, a value that cannot be printed, in sandbox mode a file outside the
        allowed directories) every previous output is left as it was."""
        directory = Path(output_dir) if output_dir is not None else None
        write_outputs(self.outputs(), directory, stdout, self._sandbox)
