"""Relations, their indexes, and semi-naive evaluation stratum by stratum."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.analysis.strata import Stratum
from reasoner.errors import EvaluationError, error
from reasoner.functors import FunctorError
from reasoner.limits import Budget, Limits
from reasoner.plan import RulePlan, compile_rule


class Relation:
    """A set of tuples with hash indexes on the column sets that plans probe."""

    __slots__ = ("name", "arity", "tuples", "_indexes", "rounds")

    def __init__(self, name: str, arity: int, tuples: Iterable[tuple] = (), derivations: bool = False):
        self.name = name
        self.arity = arity
        self.tuples: set[tuple] = set(tuples)
        self._indexes: dict[tuple[int, ...], tuple[dict, itemgetter]] = {}
        # Derivation records: the round of its stratum's fixpoint in which each derived tuple
        # was first added (input facts have none). Proofs are rebuilt from these on demand.
        self.rounds: dict[tuple, int] | None = {} if derivations else None

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

    def insert_new(self, rows: set[tuple], round_: int | None = None) -> None:
        """Insert tuples known not to be present yet (derived in `round_`, if recorded)."""
        self.tuples |= rows
        if round_ is not None and self.rounds is not None:
            self.rounds.update(dict.fromkeys(rows, round_))
        for index, key in self._indexes.values():
            _fill(index, key, rows)

    def remove(self, rows: set[tuple]) -> None:
        """Take back tuples inserted by `insert_new` (used to undo a failed update)."""
        self.tuples -= rows
        if self.rounds is not None:
            for row in rows:
                self.rounds.pop(row, None)
        for index, key in self._indexes.values():
            for row in rows:
                bucket = index.get(key(row))
                if bucket is not None and row in bucket:
                    bucket.remove(row)
                    if not bucket:
                        del index[key(row)]


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


def plan_strata(analysis: Analysis) -> tuple[StratumPlan, ...]:
    plans = []
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
        plans.append(StratumPlan(stratum, tuple(exit_plans), tuple(delta_plans)))
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


def evaluate(
    strata: tuple[StratumPlan, ...],
    base: dict[str, set[tuple]],
    arities: dict[str, int],
    context: dict,
    limits: Limits = Limits(),
) -> dict[str, Relation]:
    """Compute every relation from the base facts; returns a fresh set of relations.
    Raises `LimitError` if the evaluation crosses `limits`."""
    relations = {name: Relation(name, arity, base.get(name, ())) for name, arity in arities.items()}
    budget = Budget(limits)
    for stratum_plan in strata:
        evaluate_stratum(stratum_plan, relations, context, budget)
    return relations


def evaluate_stratum(stratum_plan: StratumPlan, relations: dict[str, Relation], context: dict,
                     budget: Budget) -> None:
    members = stratum_plan.stratum.relations
    # Rules with no atom of the stratum in their body: once.
    out: dict[str, set] = {name: set() for name in members}
    feeder: dict[str, RulePlan] = {}
    for plan in stratum_plan.exit_plans:
        function = plan.bind(relations, context)
        _run_feeding(plan, function, None, out, feeder, budget)
    _insert(out, relations, feeder, budget)
    if not stratum_plan.delta_plans:
        return
    bound = [(plan, plan.bind(relations, context)) for plan in stratum_plan.delta_plans]
    delta = {name: set(relations[name].tuples) for name in members}
    while any(delta.values()):
        out = {name: set() for name in members}
        feeder = {}
        for plan, function in bound:
            rows = delta[plan.delta_relation]
            if rows:
                _run_feeding(plan, function, rows, out, feeder, budget)
        delta = _insert(out, relations, feeder, budget)


def _run_feeding(plan: RulePlan, function, delta, out: dict[str, set], feeder: dict, budget: Budget) -> None:
    """Run a plan into its head's set; remember it as the feeder if it added the most."""
    target = out[plan.clause.head.relation]
    before = len(target)
    run_plan(plan, function, delta, target, budget)
    grown = len(target) - before
    best = feeder.get(plan.clause.head.relation)
    if best is None or grown > best[1]:
        feeder[plan.clause.head.relation] = (plan, grown)


def _insert(out: dict[str, set], relations: dict[str, Relation], feeder: dict, budget: Budget) -> dict[str, set]:
    """Add a round's new tuples; returns them by relation (the next delta)."""
    delta = {}
    for name, rows in out.items():
        relation = relations[name]
        new = rows - relation.tuples
        relation.insert_new(new)
        delta[name] = new
        if new:
            budget.added(feeder[name][0], len(new))
    return delta
