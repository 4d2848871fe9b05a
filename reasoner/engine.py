"""The public `Engine`: load rules and facts, evaluate, query.

An `Engine` owns all of its state: two engines never share relations, plans or caches, and
one engine may be used from several threads (calls are serialised by the engine's lock).
Every change is atomic: a load, or an `add_facts`, that fails leaves the engine as it was.
"""

from __future__ import annotations

import difflib
import threading
import time
import weakref
from collections.abc import Iterable
from pathlib import Path

import attrs

from reasoner import ast
from reasoner.analysis import Analysis, analyse, check_query
from reasoner.errors import LIST_RELATIONS, CheckError, Diagnostic, LoadError, QueryError, error
from reasoner.evaluate import (
    Evaluation, Relation, StratumPlan, evaluate, make_context, plan_strata, run_plan, update,
)
from reasoner.explain.proof import Proof, WhyNot
from reasoner.explain.search import ProofBuilder, fact_text
from reasoner.explain.whynot import why_not
from reasoner.facts_io import read_input, sort_key, write_outputs
from reasoner.files import Sandbox, real_path
from reasoner.events import schema as event_schema
from reasoner.frames import Answers, html_table, relation_frame, rows_of
from reasoner.gcpause import paused_gc
from reasoner.interrupts import interrupts_held_outside
from reasoner.limits import DEFAULT_MAX_MEMORY, DEFAULT_MAX_TUPLES, Budget, Limits
from reasoner.loader import parse_with_includes, read_source
from reasoner.plan import compile_plan
from reasoner.program import Program, RelationSchema
from reasoner.progress import EvaluationWatch, logger
from reasoner.source import SourceText, Span
from reasoner.syntax import parse_query
from reasoner.types import accepts, coerce, python_type_name, short_repr


@attrs.frozen
class _State:
    """Everything an engine knows; replaced as a whole on every successful change."""

    program: Program = Program()
    base: dict[str, frozenset | set] = attrs.field(factory=dict)  # facts, by relation
    events: object = None  # KnownIds of the event statements loaded so far (None: none yet)
    files: frozenset[str] = frozenset()  # resolved paths of the rule files read so far
    external: dict[str, RelationSchema] = attrs.field(factory=dict)  # schemas from outside
    analysis: Analysis | None = None
    plans: tuple[StratumPlan, ...] = ()
    evaluation: Evaluation | None = None
    context: dict = attrs.field(factory=dict)  # per-evaluation state of the generated code
    text_facts: dict[str, dict[tuple, Span | None]] = attrs.field(factory=dict)  # facts in rule text
    # statement id -> (its span, its kind: event, precondition, deadline, source, actor, person)
    statement_spans: dict[str, tuple[Span, str]] = attrs.field(factory=dict)
    inputs: dict[str, tuple] = attrs.field(factory=dict)  # relation -> its `.input` directives

    @property
    def relations(self) -> dict[str, Relation]:
        return self.evaluation.relations if self.evaluation is not None else {}


@attrs.frozen(eq=False)
class Snapshot:
    """What an engine held at one moment (`Engine.snapshot`), to go back to (`Engine.restore`).

    It holds the engine's state as it was: states are never changed once installed (an update
    that would change a snapshot's relations in place works on a copy of them), so taking a
    snapshot costs nothing and restoring one is immediate."""

    owner: object = attrs.field(repr=False)
    state: _State = attrs.field(repr=False)

    def __repr__(self) -> str:
        relations = self.state.relations
        return f"<Snapshot: {len(relations)} relations, {sum(len(r) for r in relations.values()):,} tuples>"


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

    def __init__(self, *, fact_dir: str | Path | None = None, strict: bool = False,
                 max_tuples: int | None = DEFAULT_MAX_TUPLES, time_budget: float | None = None,
                 max_memory: int | None = DEFAULT_MAX_MEMORY, derivations: bool = True, sandbox: bool = False,
                 allowed_dirs: Iterable[str | Path] = (), progress=None):
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
        (the default): none. Timings go to the `reasoner` logger at debug level either way."""
        if allowed_dirs and not sandbox:
            raise ValueError("allowed_dirs is for sandbox=True")
        self._sandbox = Sandbox.of(allowed_dirs) if sandbox else None
        self._fact_dir = Path(fact_dir) if fact_dir is not None else None
        self._strict = strict
        self._limits = Limits(max_tuples, time_budget, max_memory)
        self._derivations = derivations
        self._progress = progress
        self._lock = threading.RLock()
        self._state = _State()
        self._builder: tuple[_State, ProofBuilder] | None = None
        # evaluations a snapshot holds: an update copies their relations before changing them
        self._pinned: weakref.WeakValueDictionary[int, Evaluation] = weakref.WeakValueDictionary()
        self._commit(_State())

    @property
    def limits(self) -> Limits:
        return self._limits

    def set_limits(self, *, max_tuples: int | None | object = ..., time_budget: float | None | object = ...,
                   max_memory: int | None | object = ...) -> None:
        """Change the limits for later evaluations (an argument left out keeps its value)."""
        with self._lock:
            changes = {}
            if max_tuples is not ...:
                changes["max_tuples"] = max_tuples
            if time_budget is not ...:
                changes["time_budget"] = time_budget
            if max_memory is not ...:
                changes["max_memory"] = max_memory
            self._limits = attrs.evolve(self._limits, **changes)

    # ---- loading ---------------------------------------------------------------------
    def load(self, *paths: str | Path) -> list[Diagnostic]:
        """Load rule files (`.dl`) and event files (`.events`); a directory stands for the
        files in it, a pattern such as `corpus/*.events` for the files it matches. All of
        them are loaded as one change: returns the warnings, or raises a `ReasonerError` and
        changes nothing if any file has an error."""
        started = time.perf_counter()
        files = expand_paths(paths)
        rule_sources = [(read_source(p, self._sandbox), p.parent) for p in files if p.suffix != ".events"]
        event_sources = [read_source(p, self._sandbox) for p in files if p.suffix == ".events"]
        logger.debug("read %d file%s in %.3f s", len(files), "" if len(files) == 1 else "s",
                     time.perf_counter() - started)
        warnings = self._load_sources(rule_sources, event_sources)
        logger.debug("loaded %s in %.3f s", ", ".join(str(p) for p in paths) or "nothing",
                     time.perf_counter() - started)
        return warnings

    def load_text(self, text: str, name: str = "<text>", kind: str = "dl") -> list[Diagnostic]:
        """Load text as if it were a file called `name`: rules (`kind="dl"`) or event
        statements (`kind="events"`)."""
        if kind == "events":
            return self._load_sources([], [SourceText(name, text)])
        return self._load_sources([(SourceText(name, text), None)], [])

    def _load_sources(self, rule_sources, event_sources) -> list[Diagnostic]:
        with self._lock:
            state = self._state
            files = set(state.files)
            statements = []
            for source, directory in rule_sources:
                resolved = str(real_path(source.name)) if directory is not None else None
                if resolved is not None and resolved in files:
                    continue  # already read, directly or through an #include
                statements += parse_with_includes(source, directory, files, self._sandbox)
            event_warnings: list[Diagnostic] = []
            if event_sources:
                state, event_warnings = _with_events(state, event_sources)
            program = state.program.extend(statements)
            state = attrs.evolve(state, files=frozenset(files))
            inputs = [s for s in statements if isinstance(s, ast.IODirective) and s.kind == "input"]
            new_state = attrs.evolve(state, program=program)
            try:
                analysis = self._analysis_for(new_state)
            except CheckError as exc:
                # Report this load's problems: every error, and the warnings about new text.
                old = set(state.analysis.warnings) if state.analysis else set()
                raise CheckError([d for d in exc.diagnostics
                                  if d.severity == "error" or d not in old]) from None
            base = dict(state.base)
            input_directives = dict(state.inputs)
            for directive in inputs:
                fact_dir = self._fact_dir or Path.cwd()
                rows = read_input(directive, analysis.schemas[directive.relation], fact_dir, self._sandbox)
                base[directive.relation] = set(base.get(directive.relation, ())) | rows
                input_directives[directive.relation] = (
                    *input_directives.get(directive.relation, ()), (directive, fact_dir))
            new_state = attrs.evolve(new_state, base=base, inputs=input_directives)
            return event_warnings + self._commit(new_state, analysis)

    def add_facts(self, relation: str, rows: Iterable[Iterable[object]]) -> None:
        """Add rows (sequences of str, int, float or datetime.date) to a relation. A relation
        that does not exist yet is created with the column types of the first row."""
        rows = rows_of(rows)
        with self._lock:
            state = self._state
            schema = state.analysis.schemas.get(relation) if state.analysis else None
            external = dict(state.external)
            if schema is None:
                if not rows:
                    return
                bases = tuple(python_type_name(v) for v in rows[0])
                if None in bases:
                    raise LoadError(error(f"cannot store {rows[0]!r} in `{relation}`: values must be "
                                          "str, int, float or datetime.date"))
                columns = tuple(f"c{i + 1}" for i in range(len(bases)))
                schema = RelationSchema(relation, columns, bases, bases, None, declared=True)  # type: ignore[arg-type]
                external[relation] = schema
            converted = _checked_rows(relation, schema, rows)
            base = dict(state.base)
            base[relation] = set(base.get(relation, ())) | converted
            self._commit(attrs.evolve(state, base=base, external=external))

    def retract_facts(self, relation: str, rows: Iterable[Iterable[object]]) -> None:
        """Take back facts: rows of `relation` that were added (`add_facts`, event statements,
        `.input` files) or stated in rule text (`response_window(60).`), and everything that
        held only because of them. Atomic like `add_facts`: if a row is not a stated fact of
        the relation (it is derived, or does not hold), a `LoadError` names it and nothing
        changes. The evaluation is updated, not redone: what the retracted facts reach is taken
        out and derived again (see `reasoner.evaluate.update`)."""
        rows = rows_of(rows)
        with self._lock:
            state = self._state
            schema = state.analysis.schemas.get(relation) if state.analysis else None
            if schema is None:
                raise QueryError(_no_relation(relation, state.analysis.schemas if state.analysis else {}))
            converted = _checked_rows(relation, schema, rows)
            stated = state.base.get(relation, set())
            in_text = state.text_facts.get(relation, {})
            for row in sorted(converted, key=sort_key):
                if row not in stated and row not in in_text:
                    holds = row in state.relations[relation].tuples if relation in state.relations else False
                    raise LoadError(error(
                        f"{fact_text(relation, row)} is not a stated fact: "
                        + ("it is derived by rules" if holds else "it does not hold"),
                        None, "retract the facts it is derived from (`:why` shows them)" if holds else None))
            if not converted:
                return
            base: dict[str, frozenset | set] = dict(state.base)
            if converted & stated:
                base[relation] = set(stated) - converted
            program, text_facts = state.program, state.text_facts
            if converted & in_text.keys() and state.analysis is not None:
                kept = [c for c in program.clauses
                        if not (c.head.relation == relation and _is_text_fact(c)
                                and _fact_rows([c], state.analysis)[relation].keys() <= converted)]
                program = attrs.evolve(program, clauses=tuple(kept))
                text_facts = {**text_facts, relation: {r: span for r, span in in_text.items()
                                                       if r not in converted}}
            self._commit(attrs.evolve(state, base=base, program=program, text_facts=text_facts),
                         state.analysis, removed={relation: converted})

    def retract(self, fact: str) -> None:
        """`retract_facts` for one fact written as rule text, e.g. `retract('response_window(60)')`."""
        with self._lock:
            relation, row, _span = self._ground_fact(fact)
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

    def load_dataset(self, format: str, paths: Iterable[str | Path], **options: object):
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

    def _analysis_for(self, state: _State) -> Analysis:
        """The analysis of `state`'s program: the current one if only facts changed."""
        current = self._state
        if (current.analysis is not None and state.program is current.program
                and state.external == current.external):
            return current.analysis
        started = time.perf_counter()
        analysis = analyse(state.program, state.external, self._strict)
        if state.program.clauses:
            logger.debug("checked %d rules in %.3f s", len(state.program.rules), time.perf_counter() - started)
        return analysis

    def _watch(self, what: str) -> EvaluationWatch:
        return EvaluationWatch(what, self._progress)

    def _commit(self, state: _State, analysis: Analysis | None = None,
                removed: dict[str, set] | None = None) -> list[Diagnostic]:
        """Check, plan and evaluate `state`; install it only if all of that succeeds.

        When only base facts changed since the current state, the current evaluation is
        continued from them (`evaluate.update`); otherwise everything is evaluated afresh."""
        with paused_gc():
            return self._evaluate(state, analysis, removed or {})

    def _evaluate(self, state: _State, analysis: Analysis | None,
                  removed: dict[str, set]) -> list[Diagnostic]:
        current = self._state
        if analysis is None:
            analysis = self._analysis_for(state)
        if analysis is current.analysis and current.evaluation is not None:
            added = {name: rows - current.base.get(name, set()) for name, rows in state.base.items()
                     if rows is not current.base.get(name)}
            added = {name: rows for name, rows in added.items() if rows}
            evaluation = current.evaluation
            base = _with_text_facts(state.base, state.text_facts)
            # `update` changes relations in place (and undoes that if interrupted); from its
            # return until the new state is assigned, Ctrl-C is held, then raised.
            with interrupts_held_outside(_UPDATE_CODE):
                started = time.perf_counter()
                if (added or removed) and _small({**removed, **added}, evaluation):
                    if id(evaluation) in self._pinned:  # a snapshot holds it: leave it as it is
                        evaluation = _copied(evaluation)
                    evaluation = update(current.plans, evaluation, base, added, current.context,
                                        self._limits, removed, self._watch("updating"))
                    _log_evaluation("updated", started, evaluation, added, removed)
                elif added or removed:
                    evaluation = evaluate(current.plans, base, _arities(analysis), current.context,
                                          self._limits, self._derivations, self._watch("evaluating"))
                    _log_evaluation("evaluated afresh", started, evaluation, added, removed)
                self._state = attrs.evolve(state, analysis=analysis, plans=current.plans,
                                           evaluation=evaluation, context=current.context)
            return []
        started = time.perf_counter()
        plans = plan_strata(analysis)
        text_facts = _fact_rows(state.program.facts, analysis)
        base = _with_text_facts(state.base, text_facts)
        context = make_context()
        logger.debug("planned %d strata in %.3f s", len(plans), time.perf_counter() - started)
        started = time.perf_counter()
        evaluation = evaluate(plans, base, _arities(analysis), context, self._limits, self._derivations,
                              self._watch("evaluating"))
        _log_evaluation("evaluated", started, evaluation, {}, {})
        previous = current.analysis.warnings if current.analysis else ()
        self._state = attrs.evolve(state, analysis=analysis, plans=plans, evaluation=evaluation,
                                   context=context, text_facts=text_facts)
        new_warnings = [w for w in analysis.warnings if w not in set(previous)]
        return new_warnings

    # ---- reading -----------------------------------------------------------------------
    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Warnings about the program as loaded so far."""
        analysis = self._state.analysis
        return analysis.warnings if analysis is not None else ()

    def relations(self) -> dict[str, int]:
        """Every relation's name and arity, sorted by name."""
        with self._lock:
            schemas = self._state.analysis.schemas
            return {name: schemas[name].arity for name in sorted(schemas)}

    def schema(self, name: str) -> RelationSchema:
        with self._lock:
            schemas = self._state.analysis.schemas
            if name not in schemas:
                raise QueryError(_no_relation(name, schemas))
            return schemas[name]

    def relation(self, name: str) -> set[tuple]:
        """The tuples of a relation, as a new set of tuples of Python values."""
        with self._lock:
            relations = self._state.relations
            if name not in relations:
                raise QueryError(_no_relation(name, relations))
            return set(relations[name].tuples)

    def to_pandas(self, name: str):
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
                raise QueryError(_no_relation(name, relations))
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
            state = self._state
            schemas = state.analysis.schemas
            names = ast.query_variables(query)
            results: set[tuple] = set()
            diagnostics: list[Diagnostic] = []
            types_by_body: dict[int, dict[str, str]] = {}
            for body in query.bodies:
                diagnostics += check_query(body, schemas, types_by_body)
                bound = {n for lit in body for n in ast.literal_variables(lit)}
                missing = [n for n in names if n not in bound]
                if missing and len(query.bodies) > 1:
                    diagnostics.append(error(
                        f"every alternative of the goal must use the same variables; "
                        f"`{missing[0]}` is missing from one", query.span))
            errors = [d for d in diagnostics if d.severity == "error"]
            if errors:
                raise QueryError(errors)
            budget = Budget(self._limits)
            for body in query.bodies:
                types = types_by_body[id(body)]
                head = tuple(ast.Var(n) for n in names)
                plan = compile_plan(body, head, tuple(types.get(n, "symbol") for n in names),
                                    schemas, types, title=str(query))
                function = plan.bind(state.relations, state.context)
                run_plan(plan, function, None, results, budget)
            return Answers(names, (dict(zip(names, row)) for row in sorted(results, key=sort_key)))

    def explain(self, fact: str, depth: int | None = None) -> Proof:
        """The minimal-height proof of a fact that holds, e.g. `explain('path(1, 3)')`: a tree of
        `ProofNode`s whose leaves are input facts with their origin (for event facts, the
        statement and the article quotes). Derived facts more than `depth` levels down are
        elided (None: the whole proof). Raises `QueryError` if the fact does not hold."""
        with self._lock:
            relation, row, span = self._ground_fact(fact)
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
            relation, row, span = self._ground_fact(fact)
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

    def _ground_fact(self, text: str) -> tuple[str, tuple, Span | None]:
        """Parse a fact given with every value, and check it against its relation."""
        query = parse_query(SourceText("<fact>", text))
        body = query.bodies[0] if len(query.bodies) == 1 else ()
        if len(body) != 1 or not isinstance(body[0], ast.Atom):
            raise QueryError(error("expected one fact, such as `path(1, 3)`", query.span,
                                   "to explain several answers, find them with a query first"))
        atom = body[0]
        schemas = self._state.analysis.schemas
        if atom.relation not in schemas:
            raise QueryError(attrs.evolve(_no_relation(atom.relation, schemas), span=atom.span))
        schema = schemas[atom.relation]
        if len(atom.args) != schema.arity:
            raise QueryError(error(
                f"`{atom.relation}` has {schema.arity} column{'s' if schema.arity != 1 else ''} "
                f"({schema.signature()}), not {len(atom.args)}", atom.span))
        row = []
        for arg, base, column in zip(atom.args, schema.bases, schema.columns):
            value = _constant_value(arg)
            if value is None:
                raise QueryError(error(
                    f"`{arg}` is not a value: give every column of the fact", arg.span,
                    f"to find facts first, ask `?- {atom}.`"))
            if not accepts(base, value):
                raise QueryError(error(f"{arg} does not fit column `{column}` of type {base}", arg.span))
            row.append(coerce(base, value))
        return atom.relation, tuple(row), atom.span

    def dump(self, stage: str, relation: str | None = None) -> str:
        """A printable view of one pipeline stage: 'ast' (the program as parsed, disjunctions
        expanded), 'strata' (evaluation order), 'plan' (the steps of each rule's plan, one a
        line, indented by nesting) or 'code' (the Python generated for each plan). With
        `relation`, 'plan' and 'code' show only the plans of the rules that derive it."""
        with self._lock:
            state = self._state
            if stage == "ast":
                program = state.program
                parts = [str(d) for d in program.declarations] + [str(c) for c in program.clauses]
                parts += [str(q) for q in program.queries]
                return "\n".join(parts)
            if stage == "strata":
                lines = []
                strata = [plan.stratum for plan in state.plans if plan.stratum.rules]
                for number, stratum in enumerate(strata, start=1):
                    kind = "recursive" if stratum.recursive else "non-recursive"
                    lines.append(f"stratum {number} ({kind}): {', '.join(sorted(stratum.relations))}")
                    lines += [f"    {rule}" for rule in stratum.rules]
                return "\n".join(lines)
            if stage in ("plan", "code"):
                plans = [p for plan in state.plans for p in plan.exit_plans + plan.delta_plans
                         if relation is None or (p.clause is not None and p.clause.head.relation == relation)]
                if stage == "plan":
                    return "\n".join(p.describe() for p in plans)
                return "\n".join(p.source for p in plans)
            raise ValueError(f"unknown stage {stage!r}; choose ast, strata, plan or code")

    def outputs(self) -> list[tuple[ast.IODirective, RelationSchema, set[tuple]]]:
        """The `.output` / `.printsize` directives with their relation's schema and tuples."""
        with self._lock:
            state = self._state
            return [
                (d, state.analysis.schemas[d.relation], set(state.relations[d.relation].tuples))
                for d in state.program.directives
                if d.kind in ("output", "printsize")
            ]

    def write_outputs(self, output_dir: str | Path | None, stdout=None) -> None:
        """Write the `.output` and `.printsize` relations as Soufflé does, to `output_dir`
        (None: to `stdout`, default `sys.stdout`). All or nothing: each file is written aside
        and renamed into place once every one was written, so on a `LoadError` (a file that
        cannot be written, a value that cannot be printed, in sandbox mode a file outside the
        allowed directories) every previous output is left as it was."""
        directory = Path(output_dir) if output_dir is not None else None
        write_outputs(self.outputs(), directory, stdout, self._sandbox)


def _checked_rows(relation: str, schema: RelationSchema, rows: list[tuple]) -> set[tuple]:
    """Rows given through the API in their stored form, after checking each value against its
    column; the first that does not fit is a `LoadError` naming its row and column."""
    converted = set()
    for number, row in enumerate(rows, start=1):
        if len(row) != schema.arity:
            raise LoadError(error(
                f"row {number} for `{relation}` has {len(row)} values, but the relation has "
                f"{schema.arity} columns ({schema.signature()})"))
        for value, kind, column in zip(row, schema.bases, schema.columns):
            if not accepts(kind, value):
                raise LoadError(error(
                    f"row {number} for `{relation}`: {short_repr(value)} does not fit column `{column}` of type {kind}"))
        converted.add(tuple(coerce(b, v) for b, v in zip(schema.bases, row)))
    return converted


def expand_paths(paths) -> list[Path]:
    """Files named by paths, directories (their `.dl` and `.events` files, sorted) and glob
    patterns, in order and without repeats."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if any(ch in str(given) for ch in "*?["):
            anchor = Path(path.anchor) if path.is_absolute() else Path(".")
            pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else str(given)
            matches = sorted(anchor.glob(pattern))
            if not matches:
                raise LoadError(error(f"no files match {given}"))
            files += [m for m in matches if m.is_file()]
        elif path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".dl", ".events") and p.is_file())
        else:
            files.append(path)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = real_path(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def event_schemas() -> dict[str, RelationSchema]:
    """The documented fact schema of event statements, as relation schemas."""
    from reasoner.events import schema

    return {
        r.name: RelationSchema(r.name, tuple(c.name for c in r.columns),
                               tuple(c.type for c in r.columns), tuple(c.type for c in r.columns))
        for r in schema.RELATIONS
    }


def _with_events(state: _State, sources: list[SourceText]) -> tuple[_State, list[Diagnostic]]:
    """`state` with the facts of these event files added (all checked together)."""
    from reasoner.errors import ParseError
    from reasoner.events import lower, parse_events

    files, diagnostics = [], []
    for source in sources:
        try:
            files.append(parse_events(source))
        except ParseError as exc:
            diagnostics += exc.diagnostics
    if diagnostics:
        raise ParseError(diagnostics)
    lowered = lower(files, state.events, include_vocabulary=state.events is None)
    base = dict(state.base)
    for name, rows in lowered.facts.items():
        base[name] = set(base.get(name, ())) | set(rows)
    external = dict(state.external)
    external.update(event_schemas())
    spans = dict(state.statement_spans)
    for (relation, row), span in lowered.origins.items():
        if relation in _STATEMENT_RELATIONS:
            spans.setdefault(row[0], (span, relation))
    return (attrs.evolve(state, base=base, external=external, events=lowered.known, statement_spans=spans),
            list(lowered.warnings))


# The code of `update`, during which Ctrl-C may interrupt a commit (it undoes its own changes).
_UPDATE_CODE = update.__code__

# The relations whose first column is the id of the statement that states them.
# The relations whose rows are statements of their own (the span of the first one is kept).
_STATEMENT_RELATIONS = frozenset((*event_schema.STATEMENT_HEADS, "source", "actor", "person"))


def _fact_rows(facts: Iterable[ast.Clause], analysis: Analysis) -> dict[str, dict[tuple, Span | None]]:
    """The tuples stated as facts in rule text, each with the span of its (first) statement."""
    rows: dict[str, dict[tuple, Span | None]] = {}
    for fact in facts:
        schema = analysis.schemas[fact.head.relation]
        spans = rows.setdefault(fact.head.relation, {})
        if all(isinstance(a, ast.Const) for a in fact.head.args):
            row = tuple(coerce(base, a.value) for base, a in zip(schema.bases, fact.head.args))
            spans.setdefault(row, fact.span)
            continue
        plan = compile_plan((), fact.head.args, schema.bases, analysis.schemas,
                            analysis.variable_types[id(fact)], clause=fact, title=str(fact))
        computed: set[tuple] = set()
        run_plan(plan, plan.bind({}, make_context()), None, computed, Budget(Limits(None, None)))
        for row in computed:
            spans.setdefault(row, fact.span)
    return rows


# An addition of more than this fraction of the tuples known is evaluated afresh rather than
# continued (the first facts after the rules, for instance): a fresh evaluation then costs no
# more, and the delta plans' indexes on the derived relations are not built.
UPDATE_FRACTION = 0.5


def _small(added: dict[str, set], evaluation: Evaluation) -> bool:
    count = sum(len(rows) for rows in added.values())
    return count <= UPDATE_FRACTION * sum(len(relation) for relation in evaluation.relations.values())


def _log_evaluation(how: str, started: float, evaluation: Evaluation, added: dict, removed: dict) -> None:
    if not logger.isEnabledFor(10):  # logging.DEBUG
        return
    change = ""
    if added or removed:
        gained, lost = sum(len(r) for r in added.values()), sum(len(r) for r in removed.values())
        change = (f" after {gained:,} fact{'s' if gained != 1 else ''} added and "
                  f"{lost:,} retracted")
    tuples = sum(len(r) for r in evaluation.relations.values())
    logger.debug("%s%s in %.3f s: %s tuples", how, change, time.perf_counter() - started, f"{tuples:,}")


def _copied(evaluation: Evaluation) -> Evaluation:
    """An evaluation with relations of its own (for an update that must leave `evaluation`
    as a snapshot holds it)."""
    return Evaluation({name: relation.copy() for name, relation in evaluation.relations.items()},
                      evaluation.last_rounds)


def _is_text_fact(clause: ast.Clause) -> bool:
    return not clause.body and not any(ast.aggregates_in(arg) for arg in clause.head.args)


def _arities(analysis: Analysis) -> dict[str, int]:
    return {name: schema.arity for name, schema in analysis.schemas.items()}


def _with_text_facts(base: dict[str, set], text_facts: dict[str, dict]) -> dict[str, set]:
    """The base facts and the facts of the rule text together."""
    merged = dict(base)
    for name, rows in text_facts.items():
        merged[name] = set(merged.get(name, ())) | rows.keys()
    return merged


def _constant_value(term: ast.Term) -> object | None:
    """The value of a constant argument (a negative number included), else None."""
    if isinstance(term, ast.Const):
        return term.value
    if isinstance(term, ast.Call) and term.op == "neg" and isinstance(term.args[0], ast.Const) \
            and isinstance(term.args[0].value, (int, float)):
        return -term.args[0].value
    return None


def _no_relation(name: str, known) -> Diagnostic:
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return error(f"no relation named `{name}`", None,
                 f"did you mean `{matches[0]}`?" if matches else LIST_RELATIONS)
