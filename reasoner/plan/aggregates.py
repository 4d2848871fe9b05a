"""Aggregates as steps: each aggregate inside a step's terms becomes an `Aggregate` step just
before it, over a plan of its own body, and the term reads its result (`~a0`, a name no user
variable has)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from reasoner import ast
from reasoner.plan.expressions import expression_type
from reasoner.plan.ir import (Aggregate, Assign, DeltaScan, Emit, Filter, Generate, IndexProbe, Lookup,
                              Negation, RangeScan, Scan, Step, binds, step_terms)

if TYPE_CHECKING:
    from reasoner.plan.passes import PlanOptions


def hoist_aggregates(steps: list[Step], bound: set[str], options: PlanOptions) -> list[Step]:
    """Each aggregate of a step's terms as an `Aggregate` step placed before that step, in the
    order the step computes its terms; its body is planned with the variables bound there."""
    known = set(bound)
    result: list[Step] = []
    for step in steps:
        names: dict[int, ast.Var] = {}
        for term in step_terms(step):
            for aggregate in ast.aggregates_in(term):
                hoisted = _aggregate(aggregate, known, options)
                result.append(hoisted)
                known.add(hoisted.result)
                names[id(aggregate)] = ast.Var(hoisted.result, aggregate.span)
        if names:
            step = _rewrite(step, names)
        known.update(binds(step))
        result.append(step)
    return result


def _aggregate(aggregate: ast.Aggregate, known: set[str], options: PlanOptions) -> Aggregate:
    from reasoner.plan.passes import plan_body

    name = f"~a{next(options.names)}"
    inner = plan_body(aggregate.body, set(known), None,
                      attrs.evolve(options, cost=None, existence=False, names=options.names))
    target = aggregate.target
    if target is not None and ast.aggregates_in(target):  # an aggregate in the target: a step too
        inside = set(known).union(*(binds(s) for s in inner))
        inner = inner + hoist_aggregates([Emit((target,))], inside, options)
        last = inner.pop()
        assert isinstance(last, Emit)
        target = last.terms[0]
    distinct = None
    if aggregate.op in ("count", "sum", "mean") and materialised(aggregate):
        # Soufflé evaluates a body of several atoms (or with a repeated variable, or an inner
        # aggregate) through a relation over its named variables: each distinct binding
        # counts once (for `count` too: its `_` columns are not among them).
        local = {n for literal in aggregate.body for n in ast.literal_variables(literal)} - known
        distinct = tuple(sorted(local))
    types = options.types
    target_type = expression_type(aggregate.target, types) if aggregate.target is not None else None
    return Aggregate(name, aggregate.op, target, tuple(inner), distinct,
                     expression_type(aggregate, types), target_type, aggregate)


def materialised(aggregate: ast.Aggregate) -> bool:
    """Whether Soufflé would evaluate this aggregate's body through a helper relation."""
    atoms = [lit for lit in aggregate.body if isinstance(lit, ast.Atom)]
    if len(atoms) != 1:
        return True
    if any(ast.aggregates_in(term) for lit in aggregate.body for term in ast.literal_terms(lit)):
        return True
    names = [a.name for a in atoms[0].args if isinstance(a, ast.Var)]
    return len(names) != len(set(names))


def _term(term: ast.Term, names: dict[int, ast.Var]) -> ast.Term:
    if isinstance(term, ast.Aggregate):
        return names.get(id(term), term)
    if isinstance(term, ast.Call):
        return attrs.evolve(term, args=tuple(_term(a, names) for a in term.args))
    return term


def _atom(atom: ast.Atom, names: dict[int, ast.Var]) -> ast.Atom:
    return attrs.evolve(atom, args=tuple(_term(a, names) for a in atom.args))


def _rewrite(step: Step, names: dict[int, ast.Var]) -> Step:
    """`step` with its aggregates replaced by the variables holding their results."""
    if isinstance(step, (DeltaScan, Scan, IndexProbe, Lookup, RangeScan)):
        return attrs.evolve(step, atom=_atom(step.atom, names))
    if isinstance(step, Assign):
        return attrs.evolve(step, term=_term(step.term, names))
    if isinstance(step, Generate):
        return attrs.evolve(step, term=attrs.evolve(step.term, args=tuple(_term(a, names) for a in step.term.args)))
    if isinstance(step, Negation):
        return Negation(attrs.evolve(step.literal, atom=_atom(step.literal.atom, names)))
    if isinstance(step, Emit):
        return attrs.evolve(step, terms=tuple(_term(t, names) for t in step.terms))
    if isinstance(step, Filter):
        literal = step.literal
        if isinstance(literal, ast.Comparison):
            return Filter(attrs.evolve(literal, left=_term(literal.left, names), right=_term(literal.right, names)))
        if isinstance(literal, ast.Test):
            return Filter(attrs.evolve(literal, args=tuple(_term(a, names) for a in literal.args)))
    return step
