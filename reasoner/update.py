"""Continuing an evaluation when facts change: `update`.

A stratum that reads the new tuples only through positive atoms continues its fixpoint from them
(one delta variant per body atom that changed). A stratum that reads a changed relation under
negation or aggregation, or one whose input lost tuples, is brought up to date group by group if
it is not recursive (`reasoner.groups`), and recomputed if it is. Relations are changed in place,
each change recorded in a journal: an `update` that fails (limit, error, Ctrl-C) undoes what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from functools import partial

from reasoner import ast
from reasoner.evaluate import Evaluation, Fixpoint, StratumPlan, forget_new_ordinals, run_plan, stratum_starts
from reasoner.limits import Budget, Limits
from reasoner.progress import QUIET, Watch
from reasoner.relation import Relation, index_choice


def update(
    strata: tuple[StratumPlan, ...],
    previous: Evaluation,
    base: Mapping[str, AbstractSet[tuple]],
    added: Mapping[str, AbstractSet[tuple]],
    context: dict,
    limits: Limits = Limits(),
    removed: Mapping[str, AbstractSet[tuple]] | None = None,
    watch: Watch = QUIET,
) -> Evaluation:
    """`previous` with the base facts `added` (by relation) and everything they lead to, and
    without the base facts `removed` (retracted) and what only they held up.

    `base` holds all the base facts, `added` included and `removed` left out. Relations of
    `previous` are updated in place where the change is monotone and replaced where a stratum
    is recomputed; if anything fails, the in-place changes are undone before the exception
    propagates. A relation without rules loses its removed tuples at once (the strata reading it
    learn of the loss as of any other); a relation with rules has its stratum recomputed, which
    keeps a removed fact that its rules still derive."""
    relations = dict(previous.relations)
    journal: list[Callable[[], None]] = []  # what undoes each in-place change, in order
    fixpoint = Updating(relations, context, Budget(limits), journal, watch)
    known = len(context.get("_ordinals", ()))
    journal.append(partial(forget_new_ordinals, context, known))
    try:
        changed: dict[str, AbstractSet[tuple]] = {}
        for name, rows in added.items():
            relation = relations[name]
            fresh = rows - relation.tuples
            new = fresh if isinstance(fresh, set) else set(fresh)  # (a frozenset from a data set)
            if new:
                journal.append(partial(relation.remove, new))
                changed[name] = relation.insert_new(new)
        lost: dict[str, set] = {}  # tuples that relations lost (a recomputed stratum, a regroup)
        redo = _retract(strata, relations, removed or {}, lost, journal)
        rounds = list(previous.last_rounds)
        for number, plan in enumerate(strata):
            members = plan.stratum.relations
            inputs = plan.positive_inputs | plan.negative_inputs
            if number in redo:  # a base fact of one of its relations was retracted
                stratum_starts(watch, strata, plan)
                rounds[number] = fixpoint.recompute(plan, base, changed, lost)
                continue
            if not any(name in changed or name in lost for name in inputs | members):
                continue
            stratum_starts(watch, strata, plan)
            if not (any(lost.get(name) for name in inputs)
                    or any(changed.get(name) for name in plan.negative_inputs)):
                rounds[number] = fixpoint.resume(plan, changed, rounds[number] + 1)
            elif plan.groups is not None and _few(plan, inputs, relations, changed, lost):
                fixpoint.regroup(plan, base, changed, lost, rounds[number] + 1)
                rounds[number] += 1
            else:
                rounds[number] = fixpoint.recompute(plan, base, changed, lost)
        return Evaluation(relations, tuple(rounds))
    except BaseException:
        for undo in reversed(journal):
            undo()
        raise
    finally:
        watch.end()


def _retract(strata: tuple[StratumPlan, ...], relations: dict[str, Relation],
             removed: Mapping[str, AbstractSet[tuple]], lost: dict[str, set], journal: list) -> set[int]:
    """Take retracted base facts out of the relations without rules (recorded in `lost`, undone
    by `journal` on failure); returns the strata whose own relations lost a base fact (an
    `eqrel`'s too: its classes are rebuilt from the facts left)."""
    redo: set[int] = set()
    stratum_of = {name: number for number, plan in enumerate(strata) for name in plan.stratum.relations
                  if plan.stratum.rules or name in plan.eqrels}  # an eqrel's classes are rebuilt
    for name, rows in removed.items():
        relation = relations[name]
        gone = relation.tuples & rows
        if not gone:
            continue
        if name in stratum_of:
            redo.add(stratum_of[name])
        else:
            journal.append(relation.retract(gone))
            lost[name] = gone
    return redo


# A non-recursive stratum is updated group by group when the tuples its inputs gained under
# negation or aggregation and lost anywhere are at most this fraction of the tuples it reads;
# beyond that, recomputing it is cheaper than redoing group after group.
REGROUP_FRACTION = 0.05


def _few(plan: StratumPlan, inputs: frozenset[str], relations: dict[str, Relation],
         changed: dict[str, AbstractSet[tuple]], lost: dict[str, set]) -> bool:
    read = sum(len(relations[name]) for name in inputs)
    moved = (sum(len(changed.get(name, ())) for name in plan.negative_inputs)
             + sum(len(lost.get(name, ())) for name in inputs))
    return moved <= REGROUP_FRACTION * read


class Updating(Fixpoint):
    """A fixpoint continued over relations changed in place: strata resumed from the tuples
    added below them, regrouped, or recomputed."""

    def recompute(self, plan: StratumPlan, base: Mapping[str, AbstractSet[tuple]], changed: dict[str, AbstractSet[tuple]],
                  lost: dict[str, set]) -> int:
        """Compute a stratum afresh into new relations; records in `changed` what it gained
        and in `lost` what it lost. Returns its last round."""
        members = plan.stratum.relations
        old = {name: self.relations[name] for name in members}
        for name in members:
            self.relations[name] = old[name].like(base.get(name, ()))
        last = self.full(plan)
        for name in members:
            before, after = old[name].tuples, self.relations[name].tuples
            if not before <= after:
                lost[name] = before - after
            # base facts added by this update are in `before` already
            changed[name] = (after - before) | changed.get(name, set())
        return last

    def regroup(self, plan: StratumPlan, base: Mapping[str, AbstractSet[tuple]], changed: dict[str, AbstractSet[tuple]],
                lost: dict[str, set], round_: int) -> None:
        """Bring a non-recursive stratum up to date in place, redoing only the groups that its
        inputs' changes touch (`reasoner.groups`); records what it gained and lost."""
        groups = plan.groups
        assert groups is not None and self.journal is not None  # planned, and kept in an update
        (name,) = plan.stratum.relations
        relation = self.relations[name]

        touched: dict[tuple[int, ...], set] = {}
        for touch in groups.touches():
            rows = (changed if touch.on == "added" else lost).get(touch.relation)
            if not rows:
                continue
            keys = touched.setdefault(touch.columns, set())
            if touch.plan is None:
                keys.add(())
            else:
                run_plan(touch.plan, touch.plan.bind(self.relations, self.context), rows, keys,
                         self.budget)
        if touched.get(()):
            touched = {(): {()}}  # the whole relation is redone: no smaller group matters
        stale: set[tuple] = set()
        for columns, keys in touched.items():
            if not columns:
                stale = set(relation.tuples)
                break
            index = relation.index(columns)
            for key in keys:
                stale.update(index.get(key[0] if len(columns) == 1 else key, ()))
        stale -= base.get(name, set())
        out, feeder = self.round_sets((name,))
        choose = index_choice(self.relations)
        for columns, keys in touched.items():
            if keys:
                for rule in plan.stratum.rules:
                    self.run(groups.rederive(rule, columns, choose), keys, out, feeder)
        self.run_variants(plan, changed, out, feeder)
        gone = stale - out[name]
        if gone:
            self.journal.append(relation.retract(gone))
            lost[name] = gone
        new = self.insert(out, feeder, round_)[name]
        changed[name] = new | changed.get(name, set())

    def resume(self, plan: StratumPlan, changed: dict[str, AbstractSet[tuple]], round_: int) -> int:
        """Continue a stratum's fixpoint from tuples added below it (and to its own base
        facts, already in `changed`); records what it adds in `changed`. Returns the last round."""
        members = plan.stratum.relations
        out, feeder = self.round_sets(members)
        self.run_variants(plan, changed, out, feeder)
        new = self.insert(out, feeder, round_)
        delta = {name: new[name] | changed.get(name, set()) for name in members}
        last = round_
        if plan.delta_plans:
            last = self.loop(plan, delta, round_ + 1, grown=delta)
        for name in members:
            if delta[name]:
                changed[name] = delta[name]
        return last

    def run_variants(self, plan: StratumPlan, changed: dict[str, AbstractSet[tuple]], out: dict[str, set],
                     feeder: dict) -> None:
        """Run the rules of a stratum on the tuples added to the relations its body atoms read
        from lower strata (one delta variant per such atom)."""
        members = plan.stratum.relations
        for rule in plan.stratum.rules:
            for position, literal in enumerate(rule.body):
                if (isinstance(literal, ast.Atom) and literal.relation not in members
                        and changed.get(literal.relation)):
                    rows = changed[literal.relation]
                    self.run(plan.variant(rule, position, self.relations, len(rows)), rows, out, feeder)
