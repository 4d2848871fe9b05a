"""Semi-naive evaluation stratum by stratum: `plan_strata` plans every rule of a checked
program, `evaluate` computes every relation from the base facts (a `Fixpoint` per set of
relations). Continuing an evaluation when facts change is `reasoner.update`'s business.

With derivation records on, every derived tuple remembers the round of its stratum's fixpoint in
which it was first added: enough to rebuild a minimal-height proof on demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import partial

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.analysis.strata import Stratum, dependency_edges
from reasoner.eqrel import EqrelRelation
from reasoner.errors import EvaluationError, LimitError, error
from reasoner.functors import FunctorError
from reasoner.user_functors import UserFunctorError
from reasoner.groups import StratumGroups
from reasoner.limits import Budget, Limits, value_bytes
from reasoner.plan import RulePlan, compile_plan, compile_rule
from reasoner.plan.runtime import make_context  # noqa: F401 (the engine's import path)
from reasoner.progress import QUIET, Watch
from reasoner.relation import Relation
from reasoner.source import Span
from reasoner.variants import Variants


@attrs.frozen
class StratumPlan:
    stratum: Stratum
    exit_plans: tuple[RulePlan, ...]  # rules with no body atom in the stratum: run once
    delta_plans: tuple[RulePlan, ...]  # one per (recursive rule, body atom in the stratum)
    positive_inputs: frozenset[str]  # relations of lower strata read by positive body atoms
    negative_inputs: frozenset[str]  # ... read under negation or inside an aggregate
    variants: Variants = attrs.field(eq=False, repr=False)
    # how to update a non-recursive stratum group by group (None: recursive, recomputed instead)
    groups: StratumGroups | None = attrs.field(eq=False, repr=False, default=None)
    # the subsumptions that remove tuples of its relations, and their `choice-domain`s
    removals: tuple[Removal, ...] = ()
    choices: Mapping[str, tuple[tuple[int, ...], ...]] = attrs.field(factory=dict)
    eqrels: frozenset[str] = frozenset()  # its `eqrel` relations, stored as classes (`reasoner.eqrel`)

    def variant(self, rule: ast.Clause, position: int, relations: dict[str, Relation],
                delta_size: int) -> RulePlan:
        """The plan of `rule` reading body atom `position` from a delta of `delta_size` tuples
        (compiled on first use, with the indexes `relations` then have)."""
        return self.variants.get(rule, position, relations, delta_size)


def plan_strata(analysis: Analysis) -> tuple[StratumPlan, ...]:
    plans = []
    variants = Variants(analysis)
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
        removals = tuple(removal_plan(s, analysis) for s in stratum.subsumptions)
        choices = {name: analysis.schemas[name].choice for name in stratum.relations
                   if name in analysis.schemas and analysis.schemas[name].choice}
        eqrels = frozenset(name for name in stratum.relations
                           if name in analysis.schemas and analysis.schemas[name].eqrel)
        groups = None
        if not stratum.recursive and len(stratum.relations) == 1 and not removals and not choices and not eqrels:
            groups = StratumGroups(analysis, stratum.rules)
        plans.append(StratumPlan(stratum, tuple(exit_plans), tuple(delta_plans), positive, negative,
                                 variants, groups, removals, choices, eqrels))
    return tuple(plans)


@attrs.frozen
class Removal:
    """A subsumption, planned: `plan` emits each pair (dominated tuple + dominating tuple)."""

    relation: str
    arity: int
    plan: RulePlan


def removal_plan(subsumption: ast.Subsumption, analysis: Analysis) -> Removal:
    """The plan of a subsumption: its two atoms and its body, emitting both tuples (a `_`
    in either atom is read into a variable of its own, so that the tuple is whole)."""
    schema = analysis.schemas[subsumption.relation]
    types = dict(analysis.variable_types[id(subsumption)])
    heads = []
    for which, atom in enumerate((subsumption.dominated, subsumption.dominating)):
        args = []
        for column, arg in enumerate(atom.args):
            if isinstance(arg, ast.Wildcard):
                arg = ast.Var(f"~s{which}_{column}", arg.span)
                types[arg.name] = schema.bases[column]
            args.append(arg)
        heads.append(ast.Atom(atom.relation, tuple(args), atom.span))
    body = (heads[0], heads[1], *subsumption.body)
    plan = compile_plan(body, heads[0].args + heads[1].args, schema.bases * 2, analysis.schemas, types,
                        title=str(subsumption))
    return Removal(subsumption.relation, schema.arity, plan)


def forget_new_ordinals(context: dict, known: int) -> None:
    """Undo the numbers `ord()` gave since the context held `known` of them (a failed change
    leaves the numbering as it was: the next symbol gets the number it would have had)."""
    ordinals = context.get("_ordinals")
    if ordinals is None:
        return
    while len(ordinals) > known:
        ordinals.popitem()  # dicts keep insertion order: the newest number goes first


def run_plan(plan: RulePlan, function, delta, out: set, budget: Budget) -> None:
    """Run a bound plan, adding what it derives to `out`; errors become diagnostics."""
    budget.running(plan, out)
    try:
        function(delta, out.add, budget.check)
    except FunctorError as exc:
        span = (exc.span if isinstance(exc.span, Span) else None) or (
            plan.clause.span if plan.clause is not None else None)
        if exc.limit:
            raise LimitError(error(f"evaluation stopped in {_rule_of(plan)}: {exc}", span)) from None
        if isinstance(exc, UserFunctorError):  # the user's code: say which rule called it
            raise EvaluationError(error(f"evaluation failed in {_rule_of(plan)}: {exc}", span)) from None
        raise EvaluationError(error(f"evaluation failed: {exc}", span)) from None
    except MemoryError:
        span = plan.clause.span if plan.clause is not None else None
        raise LimitError(error(f"evaluation stopped in {_rule_of(plan)}: out of memory", span,
                               "lower the memory budget, Engine(max_memory=...), to be stopped "
                               "earlier; or give the program more memory")) from None
    except RecursionError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        span = plan.clause.span if plan.clause is not None else None
        raise EvaluationError(error(f"evaluation failed: {exc}", span)) from None


def _rule_of(plan: RulePlan) -> str:
    return f"a rule for `{plan.clause.head.relation}`" if plan.clause is not None else "the goal"


@attrs.frozen
class Evaluation:
    """The relations of one evaluated program, and the last round of each stratum."""

    relations: dict[str, Relation]
    last_rounds: tuple[int, ...]


def evaluate(
    strata: tuple[StratumPlan, ...],
    base: Mapping[str, AbstractSet[tuple]],
    arities: dict[str, int],
    context: dict,
    limits: Limits = Limits(),
    derivations: bool = False,
    watch: Watch = QUIET,
) -> Evaluation:
    """Compute every relation from the base facts into fresh relations.
    Raises `LimitError` if the evaluation crosses `limits`. `watch` hears of each stratum and
    round (`reasoner.progress`)."""
    eqrels = {name for plan in strata for name in plan.eqrels}
    relations = {name: (EqrelRelation if name in eqrels else Relation)(name, arity, base.get(name, ()), derivations)
                 for name, arity in arities.items()}
    budget = Budget(limits)
    known = len(context.get("_ordinals", ()))
    fixpoint = Fixpoint(relations, context, budget, watch=watch)
    try:
        rounds = []
        for plan in strata:
            stratum_starts(watch, strata, plan)
            rounds.append(fixpoint.full(plan))
    except BaseException:
        forget_new_ordinals(context, known)
        raise
    finally:
        watch.end()
    return Evaluation(relations, tuple(rounds))


def stratum_starts(watch: Watch, strata: tuple[StratumPlan, ...], plan: StratumPlan) -> None:
    """Tell `watch` that a stratum with rules starts (numbered among those)."""
    if plan.stratum.rules and watch is not QUIET:
        working = [p for p in strata if p.stratum.rules]
        watch.stratum(working.index(plan) + 1, len(working), plan.stratum.relations)


def _delta_of(plan: RulePlan) -> str:
    """The relation whose new tuples a delta plan reads."""
    assert plan.delta_relation is not None, "not a delta plan"
    return plan.delta_relation


class Fixpoint:
    """Semi-naive evaluation of strata over one set of relations."""

    def __init__(self, relations: dict[str, Relation], context: dict, budget: Budget,
                 journal: list | None = None, watch: Watch = QUIET):
        self.relations = relations
        self.watch = watch
        self.context = context
        self.budget = budget
        self.journal = journal  # in-place insertions to undo if an update fails (`reasoner.update`)
        self.made: dict[str, set[int]] = {}  # relation -> columns its rules compute values in
        self.chosen: dict[tuple[str, tuple[int, ...]], set[tuple]] = {}  # choice-domain values taken
        self.choices: Mapping[str, tuple[tuple[int, ...], ...]] = {}  # of the stratum being computed

    def full(self, plan: StratumPlan) -> int:
        """Compute a stratum from its base facts and the strata below; returns its last round."""
        members = plan.stratum.relations
        self.choices = plan.choices
        out, feeder = self.round_sets(members)
        for rule_plan in plan.exit_plans:
            self.run(rule_plan, None, out, feeder)
        self.subsume(plan, self.insert(out, feeder, 0))
        if not plan.delta_plans:
            return 0
        delta = {name: self.relations[name].snapshot() for name in members}
        return self.loop(plan, delta, 1)

    def loop(self, plan: StratumPlan, delta: dict[str, AbstractSet[tuple]], round_: int,
             grown: dict | None = None) -> int:
        """Rounds of the recursive rules until nothing new; `grown` collects every new tuple."""
        members = plan.stratum.relations
        self.choices = plan.choices
        bound = [(p, p.bind(self.relations, self.context), _delta_of(p)) for p in plan.delta_plans]
        while any(delta.values()):
            out, feeder = self.round_sets(members)
            for rule_plan, function, reads in bound:
                rows = delta[reads]
                if rows:
                    self.run(rule_plan, rows, out, feeder, function)
            delta = self.subsume(plan, self.insert(out, feeder, round_))
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
        assert plan.clause is not None  # the plan of a rule
        head = plan.clause.head.relation
        target = out[head]
        before = len(target)
        run_plan(plan, function, delta, target, self.budget)
        if plan.made:
            self.made.setdefault(head, set()).update(plan.made)
        grown = len(target) - before
        best = feeder.get(head)
        if best is None or grown > best[1]:
            feeder[head] = (plan, grown)

    def insert(self, out: dict[str, set], feeder: dict, round_: int) -> dict[str, AbstractSet[tuple]]:
        """Add a round's new tuples; returns them by relation (the next delta)."""
        delta: dict[str, AbstractSet[tuple]] = {}
        for name, rows in out.items():
            relation = self.relations[name]
            new = rows - relation.tuples
            if new and name in self.choices:
                new = self.choose(name, new)
            gained: AbstractSet[tuple] = new
            if new:
                if self.journal is not None:
                    self.journal.append(partial(relation.remove, new))
                gained = relation.insert_new(new, round_)  # an eqrel's: every pair `new` implies
                columns = self.made.get(name)
                size = value_bytes(new, tuple(columns)) if columns else 0
                self.budget.added(feeder[name][0], len(new), size, relation.arity)
            delta[name] = gained
        self.watch.round(round_, sum(len(rows) for rows in delta.values()))
        return delta

    def choose(self, name: str, new: set[tuple]) -> set[tuple]:
        """The new tuples a `choice-domain` lets in: one per value of each domain, the first
        in sorted order among those of one round."""
        relation = self.relations[name]
        domains = self.choices[name]
        taken = []
        for columns in domains:
            seen = self.chosen.get((name, columns))
            if seen is None:
                seen = self.chosen[(name, columns)] = {tuple(t[i] for i in columns) for t in relation.tuples}
            taken.append(seen)
        kept = set()
        for row in sorted(new):
            keys = [tuple(row[i] for i in columns) for columns in domains]
            if any(key in seen for key, seen in zip(keys, taken)):
                continue
            for key, seen in zip(keys, taken):
                seen.add(key)
            kept.add(row)
        return kept

    def subsume(self, plan: StratumPlan, delta: dict[str, AbstractSet[tuple]]) -> dict[str, AbstractSet[tuple]]:
        """Remove the tuples another tuple subsumes (`p(X) <= p(Y) :- ...`) from the
        relations and from the round's new tuples."""
        for removal in plan.removals:
            pairs: set[tuple] = set()
            run_plan(removal.plan, removal.plan.bind(self.relations, self.context), None, pairs, self.budget)
            k = removal.arity
            doomed = {pair[:k] for pair in pairs if pair[:k] != pair[k:]}
            relation = self.relations[removal.relation]
            doomed &= relation.tuples
            if doomed:
                restore = relation.retract(doomed)
                if self.journal is not None:
                    self.journal.append(restore)
                if removal.relation in delta:
                    delta[removal.relation] = delta[removal.relation] - doomed
        return delta
