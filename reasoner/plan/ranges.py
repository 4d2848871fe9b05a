"""The sorted-index rewrite: a scan followed by comparisons that bound a column it binds
becomes a `RangeScan`, which visits only the slice of a sorted index (`reasoner.sorted_index`)
within those bounds (`D1 < D2, D2 <= D1 + 30` when scanning the atom of `D2`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reasoner import ast
from reasoner.plan.expressions import pure
from reasoner.plan.ir import Assign, Bound, DeltaScan, Filter, Generate, Negation, RangeScan, Scan, Step
from reasoner.plan.schedule import RANGE_OPS
from reasoner.types import BASE_TYPES

if TYPE_CHECKING:
    from reasoner.plan.passes import PlanOptions

MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def safe(step: Step, types: dict[str, str]) -> bool:
    """Whether a step can never raise an evaluation error."""
    if isinstance(step, Assign):
        return pure(step.term, types)
    if isinstance(step, Filter):
        literal = step.literal
        if isinstance(literal, ast.Truth):
            return True
        if isinstance(literal, ast.Test) and literal.op != "contains":
            return False  # `match` compiles its pattern, which may be invalid
        return all(pure(t, types) for t in ast.literal_terms(literal))
    if isinstance(step, Negation):
        return all(pure(t, types) for t in ast.literal_terms(step.literal))
    return False


def use_sorted_indexes(steps: list[Step], bound: set[str], options: PlanOptions) -> list[Step]:
    """Turn each scan followed by comparisons that bound a column it binds into a range scan.

    `bound` holds the variables bound on entry (not modified). A scan becomes a `RangeScan`
    with `Bound`s `column op term` when the steps right after it compare a variable it binds
    (once, in a column of an ordered base type) with terms of variables bound before it; the
    comparisons used as bounds are dropped from the steps, as the slice implies them. The first
    column so compared is the range column. Comparisons are only taken while the steps before
    them cannot fail (a range visits fewer rows than the filters did, so a failing step it
    skips would hide an error), and one whose own term may fail only if every step before it
    is a bound too.

    Only a scan inside another loop (or inside an aggregate's body with variables bound from
    outside) is worth an index: the outermost one runs once per run of the plan, and a filter
    over every row costs less than sorting them."""
    if not options.ranges or not options.sorted_indexes:
        return steps
    types, schemas = options.types, options.schemas
    known = set(bound)
    nested = bool(bound)
    result: list[Step] = []
    position = 0
    while position < len(steps):
        step = steps[position]
        position += 1
        if isinstance(step, (Assign, Generate)):
            known.add(step.var.name)
            nested = nested or isinstance(step, Generate)
        if not isinstance(step, Scan) or not nested:
            if isinstance(step, (Scan, DeltaScan)):
                known.update(ast.literal_variables(step.atom))
                nested = True
            result.append(step)
            continue
        atom = step.atom
        names = [a.name for a in atom.args if isinstance(a, ast.Var) and a.name not in known]
        schema = schemas[atom.relation]
        candidates = {
            a.name: i for i, a in enumerate(atom.args)
            if isinstance(a, ast.Var) and a.name not in known and names.count(a.name) == 1
            and schema.bases[i] in BASE_TYPES
        }
        before = set(known)
        known.update(names)
        column: int | None = None
        bounds: list[Bound] = []
        used: set[int] = set()
        clean = len(names) == len(set(names))  # no check on the scanned row comes first
        for later in range(position, len(steps)):
            follower = steps[later]
            if isinstance(follower, (Scan, DeltaScan, RangeScan)):
                break
            found = _bound(follower, candidates, column, before)
            if found is not None:
                may_fail = not pure(found[2], types)
                if may_fail and not clean:
                    break
                column = found[0]
                bounds.append(Bound(found[1], found[2], may_fail))
                used.add(later)
                continue
            if not safe(follower, types):
                break
            clean = False
        if not bounds or column is None:
            result.append(step)
            continue
        result.append(RangeScan(atom, column, tuple(bounds)))
        rest = [s for i, s in enumerate(steps) if i >= position and i not in used]
        steps = steps[:position] + rest
    return result


def _bound(step: Step, candidates: dict[str, int], column: int | None,
           before: set[str]) -> tuple[int, str, ast.Term] | None:
    """(column, op, term) if `step` compares a candidate variable (in `column`, if one is
    chosen already) with a term of the variables in `before`."""
    if not isinstance(step, Filter):
        return None
    literal = step.literal
    if not isinstance(literal, ast.Comparison) or literal.op not in RANGE_OPS:
        return None
    for side, other, op in ((literal.left, literal.right, literal.op),
                            (literal.right, literal.left, MIRRORED[literal.op])):
        if (isinstance(side, ast.Var) and side.name in candidates
                and (column is None or candidates[side.name] == column)
                and not ast.aggregates_in(other)
                and set(ast.term_variables(other)) <= before):
            return candidates[side.name], op, other
    return None
