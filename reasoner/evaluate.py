"""Relations, their indexes, and semi-naive evaluation stratum by stratum.

`evaluate` computes every relation from the base facts. `update` continues an evaluation after
facts were added: a stratum that reads the new tuples only through positive atoms continues its
fixpoint from them (one delta variant per body atom that changed); a stratum that reads a changed
relation under negation or aggregation, or one whose input lost tuples, is recomputed, and only
then are the strata above it. An `update` that fails (limit, error, Ctrl-C) undoes what it did.

With derivation records on, every derived tuple remembers the round of its stratum's fixpoint in
which it was first added: enough to rebuild a minimal-height proof on demand.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.analysis.strata import Stratum, dependency_edges
from reasoner.errors import EvaluationError, error
from reasoner.functors import FunctorError
from reasoner.limits import Budget, Limits
from reasoner.plan import RulePlan, compile_rule


class Relation:
    """A set of tuples with hash indexes on the column sets that plans probe."""

    __slots__ = ("name", "arity", "tuples", "_indexes", "_sorted", "rounds", "_round_of", "_rounds_indexed")

    def __init__(self, name: str, arity: int, tuples: Iterable[tuple] = (), derivations: bool = False):
        self.name = name
        self.arity = arity
        self.tuples: set[tuple] = set(tuples)
        self._indexes: dict[tuple[int, ...], tuple[dict, itemgetter]] = {}
        self._sorted: dict[tuple[tuple[int, ...], int], SortedIndex] = {}
        # Derivation records: the tuples each round of its stratum's fixpoint added (the sets
        # evaluation builds anyway, kept), so that the round of any derived tuple is known;
        # input facts have none. Proofs are rebuilt from these on demand.
        self.rounds: list[tuple[int, set]] | None = [] if derivations else None
        self._round_of: dict[tuple, int] = {}
        self._rounds_indexed = 0

    def __len__(self) -> int:
        return len(self.tuples)

    def index(self, columns: tuple[int, ...]) -> dict:
        """The index on `columns` (value, or tuple of values, -> list of tuples), built on
        first use and kept up to date as tuples are inserted."""
        entry = self._indexes.get(columns)
        if entry is None:
            key = itemgetter(*columns)
            index: dict = {}
            _fill(index, key, self.tuples)
            entry = (index, key)
            self._indexes[columns] = entry
        return entry[0]

    def sorted_index(self, columns: tuple[int, ...], column: int) -> SortedIndex:
        """The rows grouped by `columns` and sorted by `column` (for range conditions on it),
        built on first use and kept up to date as tuples are inserted."""
        index = self._sorted.get((columns, column))
        if index is None:
            from reasoner.sorted_index import SortedIndex

            index = self._sorted[(columns, column)] = SortedIndex(columns, column, self.tuples)
        return index

    def insert_new(self, rows: set[tuple], round_: int | None = None) -> None:
        """Insert tuples known not to be present yet (derived in `round_`, if recorded)."""
        self.tuples |= rows
        if round_ is not None and self.rounds is not None:
            self.rounds.append((round_, rows))
        for index, key in self._indexes.values():
            _fill(index, key, rows)
        for sorted_index in self._sorted.values():
            sorted_index.add(rows)

    def round_of(self, row: tuple) -> int | None:
        """The round in which a derived tuple was added (None: an input fact, or no records)."""
        if self.rounds is None:
            return None
        if self._rounds_indexed < len(self.rounds):
            for round_, rows in self.rounds[self._rounds_indexed:]:
                self._round_of.update(dict.fromkeys(rows, round_))
            self._rounds_indexed = len(self.rounds)
        return self._round_of.get(row)

    def remove(self, rows: set[tuple]) -> None:
        """Take back tuples inserted by `insert_new` (used to undo a failed update)."""
        self.tuples -= rows
        if self.rounds and self.rounds[-1][1] is rows:
            self.rounds.pop()
            self._round_of = {}
            self._rounds_indexed = 0
        for index, key in self._indexes.values():
            for row in rows:
                bucket = index.get(key(row))
                if bucket is not None and row in bucket:
                    bucket.remove(row)
                    if not bucket:
                        del index[key(row)]
        for sorted_index in self._sorted.values():
            sorted_index.remove(rows)


def _fill(index: dict, key, rows: Iterable[tuple]) -> None:
    """Add rows to a hash index under their key columns."""
    for row in rows:
        k = key(row)
        bucket = index.get(k)
        if bucket is None:
            index[k] = [row]
        else:
            bucket.append(row)


@attrs.frozen
class StratumPlan:
    stratum: Stratum
    exit_plans: tuple[RulePlan, ...]  # rules with no body atom in the stratum: run once
    delta_plans: tuple[RulePlan, ...]  # one per (recursive rule, body atom in the stratum)
    positive_inputs: frozenset[str]  # relations of lower strata read by positive body atoms
    negative_inputs: frozenset[str]  # ... read under negation or inside an aggregate
    variants: "_Variants" = attrs.field(eq=False, repr=False)

    def variant(self, rule: ast.Clause, position: int) -> RulePlan:
        """The plan of `rule` reading body atom `position` from a delta (compiled on first use)."""
        return self.variants.get(rule, position)


class _Variants:
    """Delta variants of rules on atoms of lower strata, compiled when an update needs them.

    They run on the few tuples an addition brings, so they keep to hash indexes: a sorted index
    built for them on a large relation would cost more than the filters it saves, and would be
    maintained on every later insertion."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.plans: dict[tuple[int, int], RulePlan] = {}

    def get(self, rule: ast.Clause, position: int) -> RulePlan:
        key = (id(rule), position)
        plan = self.plans.get(key)
        if plan is None:
            types = self.analysis.variable_types[id(rule)]
            plan = self.plans[key] = compile_rule(rule, self.analysis.schemas, types, position,
                                                  ranges=False)
        return plan


def plan_strata(analysis: Analysis) -> tuple[StratumPlan, ...]:
    plans = []
    variants = _Variants(analysis)
    for stratum in analysis.strata:
        exit_plans, delta_plans = [], []
        for rule in stratum.rules:
            types = analysis.variable_types[id(rule)]
            recursive_positions = [
                i for i, lit in enumerate(rule.body)
                if isinstance(lit, ast.Atom) and lit.relation in stratum.relations
            ] if stratum.recursive else []
            if not recursive_positions:
                exit_plans.append(compile_rule(rule, analysis.schemas, types, None))
            else:
                for position in recursive_positions:
                    delta_plans.append(compile_rule(rule, analysis.schemas, types, position))
        edges = [e for e in dependency_edges(stratum.rules) if e.body not in stratum.relations]
        positive = frozenset(e.body for e in edges if not e.negative)
        negative = frozenset(e.body for e in edges if e.negative)
        plans.append(StratumPlan(stratum, tuple(exit_plans), tuple(delta_plans), positive, negative,
                                 variants))
    return tuple(plans)


def make_context() -> dict:
    """Per-evaluation state the generated code may use (never shared between engines)."""
    ordinals: dict[str, int] = {}

    def ord_of(value: object) -> int:
        key = str(value)
        number = ordinals.get(key)
        if number is None:
            number = ordinals[key] = len(ordinals)
        return number

    return {"ord_of": ord_of, "_patterns": {}}


def run_plan(plan: RulePlan, function, delta, out: set, budget: Budget) -> None:
    """Run a bound plan, adding what it derives to `out`; errors become diagnostics."""
    budget.running(plan, out)
    try:
        function(delta, out.add, budget.check)
    except FunctorError as exc:
        span = exc.span or (plan.clause.span if plan.clause is not None else None)
        raise EvaluationError(error(f"evaluation failed: {exc}", span)) from None
    except RecursionError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        span = plan.clause.span if plan.clause is not None else None
        raise EvaluationError(error(f"evaluation failed: {exc}", span)) from None


@attrs.frozen
class Evaluation:
    """The relations of one evaluated program, and the last round of each stratum."""

    relations: dict[str, Relation]
    last_rounds: tuple[int, ...]


def evaluate(
    strata: tuple[StratumPlan, ...],
    base: dict[str, set[tuple]],
    arities: dict[str, int],
    context: dict,
    limits: Limits = Limits(),
    derivations: bool = False,
) -> Evaluation:
    """Compute every relation from the base facts into fresh relations.
    Raises `LimitError` if the evaluation crosses `limits`."""
    relations = {name: Relation(name, arity, base.get(name, ()), derivations)
                 for name, arity in arities.items()}
    budget = Budget(limits)
    rounds = tuple(_Fixpoint(relations, context, budget).full(plan) for plan in strata)
    return Evaluation(relations, rounds)


def update(
    strata: tuple[StratumPlan, ...],
    previous: Evaluation,
    base: dict[str, set[tuple]],
    added: dict[str, set[tuple]],
    context: dict,
    limits: Limits = Limits(),
) -> Evaluation:
    """`previous` with the base facts `added` (by relation) and everything they lead to.

    `base` holds all the base facts, `added` included. Relations of `previous` are updated in
    place where the change is monotone and replaced where a stratum is recomputed; if anything
    fails, the in-place changes are undone before the exception propagates."""
    relations = dict(previous.relations)
    journal: list[tuple[Relation, set]] = []
    fixpoint = _Fixpoint(relations, context, Budget(limits), journal)
    try:
        changed: dict[str, set] = {}
        for name, rows in added.items():
            relation = relations[name]
            new = rows - relation.tuples
            if new:
                journal.append((relation, new))
                relation.insert_new(new)
                changed[name] = new
        replaced: set[str] = set()  # relations that lost tuples (or were rebuilt and may have)
        rounds = list(previous.last_rounds)
        for number, plan in enumerate(strata):
            members = plan.stratum.relations
            inputs = plan.positive_inputs | plan.negative_inputs
            if not any(name in changed or name in replaced for name in inputs | members):
                continue
            recompute = (any(name in replaced for name in inputs)
                         or any(changed.get(name) for name in plan.negative_inputs))
            if recompute:
                old = {name: relations[name] for name in members}
                for name in members:
                    relations[name] = Relation(name, old[name].arity, base.get(name, ()),
                                               old[name].rounds is not None)
                rounds[number] = fixpoint.full(plan)
                for name in members:
                    before, after = old[name].tuples, relations[name].tuples
                    if not before <= after:
                        replaced.add(name)
                    changed[name] = after - before
            else:
                rounds[number] = fixpoint.resume(plan, changed, rounds[number] + 1)
        return Evaluation(relations, tuple(rounds))
    except BaseException:
        for relation, rows in reversed(journal):
            relation.remove(rows)
        raise


class _Fixpoint:
    """Semi-naive evaluation of strata over one set of relations."""

    def __init__(self, relations: dict[str, Relation], context: dict, budget: Budget,
                 journal: list | None = None):
        self.relations = relations
        self.context = context
        self.budget = budget
        self.journal = journal  # in-place insertions to undo if an update fails

    def full(self, plan: StratumPlan) -> int:
        """Compute a stratum from its base facts and the strata below; returns its last round."""
        members = plan.stratum.relations
        out, feeder = self.round_sets(members)
        for rule_plan in plan.exit_plans:
            self.run(rule_plan, None, out, feeder)
        self.insert(out, feeder, 0)
        if not plan.delta_plans:
            return 0
        delta = {name: set(self.relations[name].tuples) for name in members}
        return self.loop(plan, delta, 1)

    def resume(self, plan: StratumPlan, changed: dict[str, set], round_: int) -> int:
        """Continue a stratum's fixpoint from tuples added below it (and to its own base
        facts, already in `changed`); records what it adds in `changed`. Returns the last round."""
        members = plan.stratum.relations
        out, feeder = self.round_sets(members)
        for rule in plan.stratum.rules:
            for position, literal in enumerate(rule.body):
                if (isinstance(literal, ast.Atom) and literal.relation not in members
                        and changed.get(literal.relation)):
                    self.run(plan.variant(rule, position), changed[literal.relation], out, feeder)
        new = self.insert(out, feeder, round_)
        delta = {name: new[name] | changed.get(name, set()) for name in members}
        last = round_
        if plan.delta_plans:
            last = self.loop(plan, delta, round_ + 1, grown=delta)
        for name in members:
            if delta[name]:
                changed[name] = delta[name]
        return last

    def loop(self, plan: StratumPlan, delta: dict[str, set], round_: int, grown: dict | None = None) -> int:
        """Rounds of the recursive rules until nothing new; `grown` collects every new tuple."""
        members = plan.stratum.relations
        bound = [(p, p.bind(self.relations, self.context)) for p in plan.delta_plans]
        while any(delta.values()):
            out, feeder = self.round_sets(members)
            for rule_plan, function in bound:
                rows = delta[rule_plan.delta_relation]
                if rows:
                    self.run(rule_plan, rows, out, feeder, function)
            delta = self.insert(out, feeder, round_)
            if grown is not None:
                for name, rows in delta.items():
                    if rows:
                        grown[name] |= rows  # sets of this update only: safe to extend
            round_ += 1
        return round_ - 1

    @staticmethod
    def round_sets(members) -> tuple[dict[str, set], dict]:
        return {name: set() for name in members}, {}

    def run(self, plan: RulePlan, delta, out: dict[str, set], feeder: dict, function=None) -> None:
        """Run a plan into its head's set; remember it as the feeder if it added the most."""
        if function is None:
            function = plan.bind(self.relations, self.context)
        head = plan.clause.head.relation
        target = out[head]
        before = len(target)
        run_plan(plan, function, delta, target, self.budget)
        grown = len(target) - before
        best = feeder.get(head)
        if best is None or grown > best[1]:
            feeder[head] = (plan, grown)

    def insert(self, out: dict[str, set], feeder: dict, round_: int) -> dict[str, set]:
        """Add a round's new tuples; returns them by relation (the next delta)."""
        delta = {}
        for name, rows in out.items():
            relation = self.relations[name]
            new = rows - relation.tuples
            if new:
                if self.journal is not None:
                    self.journal.append((relation, new))
                relation.insert_new(new, round_)
                self.budget.added(feeder[name][0], len(new))
            delta[name] = new
        return delta
