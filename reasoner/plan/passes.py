"""The passes that rewrite a scheduled body, as data: `PASSES` runs in order after `schedule`,
each a function `(steps, bound, options) -> steps` of the same name as its module's purpose
(`use_sorted_indexes`, `choose_indexes`, `hoist_aggregates`), so that a test can run any prefix
of them and print what each did."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import attrs

from reasoner import ast
from reasoner.plan.aggregates import hoist_aggregates
from reasoner.plan.ir import Emit, IndexProbe, Lookup, Scan, Step, binds
from reasoner.plan.ranges import use_sorted_indexes
from reasoner.plan.schedule import Cost, schedule
from reasoner.program import RelationSchema

IndexChoice = Callable[[str, tuple[int, ...]], tuple[int, ...]]


@attrs.frozen
class PlanOptions:
    """What the passes of one plan read. `ranges`: whether this plan may read sorted indexes;
    `sorted_indexes`: whether they are switched on at all (`reasoner.plan.SORTED_INDEXES`);
    `choose_index(relation, columns)` may name an index on a subset of the bound columns to
    probe, or none; `cost` orders the atoms by the rows they would examine (see `schedule`);
    `existence`: whether an atom that binds no new variable may be a test that some tuple
    matches (not in an aggregate's body, where `count` and `sum` count each match)."""

    schemas: dict[str, RelationSchema]
    types: dict[str, str]
    ranges: bool = True
    sorted_indexes: bool = True
    choose_index: IndexChoice | None = None
    cost: Cost | None = None
    existence: bool = True
    names: Iterator[int] = attrs.field(factory=itertools.count, eq=False)  # aggregates' results


Pass = Callable[[list[Step], set[str], PlanOptions], list[Step]]


def bound_columns(atom: ast.Atom, known: set[str]) -> tuple[int, ...]:
    """The columns of `atom` whose value is known before it is read."""
    return tuple(
        i for i, arg in enumerate(atom.args)
        if not isinstance(arg, ast.Wildcard) and not (isinstance(arg, ast.Var) and arg.name not in known)
    )


def choose_indexes(steps: list[Step], bound: set[str], options: PlanOptions) -> list[Step]:
    """How each scan reads its atom: a `Lookup` when every column is bound, or when the others
    are wildcards (`c(X, _)`, `d(_)`: a test that some tuple matches, instead of a loop over
    them that would multiply the work of the steps after it), an `IndexProbe` of a hash index
    on the bound columns (or on the subset `options.choose_index` names), or a `Scan` of every
    tuple when none is bound (or no index is to be used)."""
    known = set(bound)
    result: list[Step] = []
    for step in steps:
        if isinstance(step, Scan):
            atom = step.atom
            columns = bound_columns(atom, known)
            if len(columns) == len(atom.args) or options.existence and all(
                    i in columns or isinstance(arg, ast.Wildcard) for i, arg in enumerate(atom.args)):
                step = Lookup(atom)
            elif columns:
                probed = options.choose_index(atom.relation, columns) if options.choose_index else columns
                step = IndexProbe(atom, probed) if probed else step
        known.update(binds(step))
        result.append(step)
    return result


PASSES: tuple[Pass, ...] = (use_sorted_indexes, choose_indexes, hoist_aggregates)


def plan_body(body: tuple[ast.Literal, ...], bound: set[str], delta_position: int | None,
              options: PlanOptions, passes: tuple[Pass, ...] = PASSES, emit: Emit | None = None) -> list[Step]:
    """`schedule` (followed by `emit`, if given) and then `passes`: the steps of a body, given
    the variables `bound` on entry."""
    steps = schedule(body, bound, delta_position, options.cost, options.sorted_indexes)
    if emit is not None:
        steps.append(emit)
    for rewrite in passes:
        steps = rewrite(steps, bound, options)
    return steps
