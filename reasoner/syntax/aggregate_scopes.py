"""Soufflé's scopes of the variables of an aggregate, made explicit by renaming.

A variable written inside an aggregate (`n = max h : { Student(s, h) }`) is, as in Soufflé:

- *injected* when the rest of the clause grounds it (outside every aggregate, or in the body
  of an enclosing aggregate) and it is not in the aggregate's target: one value per
  evaluation of the aggregate, a group key;
- a *witness* when it also occurs outside every aggregate, ungrounded there, and the
  aggregate's body grounds it: `Tallest(s, n) :- n = max h : { Student(s, h) }` answers the
  student(s) of the greatest height. Only `min` and `max` have witnesses; one of `count`,
  `sum` or `mean` is an error;
- *local* otherwise, even when the same name occurs outside (`Y = min Z + Y : {...}`, whose
  inner `Y` is not the result, or `a = max a : r(a)`).

`scope_aggregates` rewrites a clause so that the rest of the pipeline need know only the first
kind: a local whose name also occurs outside gets a name of its own, and a witness is grounded
the way Soufflé's `GroundWitnesses` does: inside the aggregate it is renamed, and the
aggregate's body is repeated in the clause with the target variable replaced by the aggregate
itself (`Student(s, max h : { Student(s_w, h) })`), so each tuple reaching the extreme value
gives its witnesses. `_ = agg` (the aggregate's value ignored) names the value instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.records import constructs

_MAX_REWRITES = 64  # witness rewrites of one clause: more means aggregates nested absurdly deep


def scope_aggregates(clause: ast.Clause) -> tuple[ast.Clause, list[Diagnostic]]:
    """`clause` with its aggregates' locals renamed apart and their witnesses grounded, and
    the errors of witnesses Soufflé refuses (those of `count`, `sum` and `mean`)."""
    if not any(True for _ in _aggregates(clause.body)):
        return clause, []
    names = _Names(clause)
    body = tuple(_name_ignored_values(literal, names) for literal in clause.body)
    clause = attrs.evolve(clause, body=body)
    clause = _rename_locals(clause, names)
    return _ground_witnesses(clause, names)


# ---- traversal ---------------------------------------------------------------------------

def _terms(literal: ast.Literal) -> tuple[ast.Term, ...]:
    return ast.literal_terms(literal)


def _aggregates(body: tuple[ast.Literal, ...], path: tuple[ast.Aggregate, ...] = ()
                ) -> Iterator[tuple[ast.Aggregate, tuple[ast.Aggregate, ...]]]:
    """Every aggregate of `body` with its enclosing aggregates (outermost first), pre-order."""
    for literal in body:
        for term in _terms(literal):
            yield from _term_aggregates(term, path)


def _term_aggregates(term: ast.Term, path: tuple[ast.Aggregate, ...]
                     ) -> Iterator[tuple[ast.Aggregate, tuple[ast.Aggregate, ...]]]:
    if isinstance(term, ast.Aggregate):
        yield term, path
        if term.target is not None:
            yield from _term_aggregates(term.target, path + (term,))
        yield from _aggregates(term.body, path + (term,))
    elif isinstance(term, ast.Call):
        for arg in term.args:
            yield from _term_aggregates(arg, path)


def _variables(item: object, into: set[str] | None = None) -> set[str]:
    """Every variable name of a term, literal or aggregate, those of nested aggregates too."""
    found = set() if into is None else into
    if isinstance(item, ast.Var):
        found.add(item.name)
    elif isinstance(item, ast.Call):
        for arg in item.args:
            _variables(arg, found)
    elif isinstance(item, ast.Aggregate):
        if item.target is not None:
            _variables(item.target, found)
        for literal in item.body:
            _variables(literal, found)
    elif isinstance(item, (ast.Atom, ast.Negation, ast.Comparison, ast.Test)):
        for term in _terms(item):
            _variables(term, found)
    return found


def _outside_variables(clause: ast.Clause) -> set[str]:
    """The variables of the head and of the body outside every aggregate."""
    names = {n for arg in clause.head.args for n in ast.term_variables(arg)}
    for literal in clause.body:
        names.update(ast.literal_variables(literal))
    return names


TermMap = Callable[[ast.Term], "ast.Term | None"]


def _map_term(term: ast.Term, fn: TermMap) -> ast.Term:
    """`term` rebuilt from the top: `fn` may replace a node (returning its replacement, None to
    keep it), else the node's parts are mapped."""
    replaced = fn(term)
    if replaced is not None:
        return replaced
    if isinstance(term, ast.Call):
        return attrs.evolve(term, args=tuple(_map_term(a, fn) for a in term.args))
    if isinstance(term, ast.Aggregate):
        target = None if term.target is None else _map_term(term.target, fn)
        return attrs.evolve(term, target=target, body=tuple(_map_literal(lit, fn) for lit in term.body))
    return term


def _map_literal(literal: ast.Literal, fn: TermMap) -> ast.Literal:
    if isinstance(literal, ast.Atom):
        return attrs.evolve(literal, args=tuple(_map_term(a, fn) for a in literal.args))
    if isinstance(literal, ast.Negation):
        return attrs.evolve(literal, atom=attrs.evolve(literal.atom, args=tuple(_map_term(a, fn)
                                                                             for a in literal.atom.args)))
    if isinstance(literal, ast.Comparison):
        return attrs.evolve(literal, left=_map_term(literal.left, fn), right=_map_term(literal.right, fn))
    if isinstance(literal, ast.Test):
        return attrs.evolve(literal, args=tuple(_map_term(a, fn) for a in literal.args))
    return literal


def _renamed(literal: ast.Literal, mapping: dict[str, str]) -> ast.Literal:
    """`literal` with the variables of `mapping` renamed (everywhere in it)."""
    def fn(term: ast.Term) -> ast.Term | None:
        if isinstance(term, ast.Var) and term.name in mapping:
            return attrs.evolve(term, name=mapping[term.name])
        return None
    return _map_literal(literal, fn)


class _Names:
    """Fresh variable names for a clause: `<name>_w` as Soufflé names them, then numbered."""

    def __init__(self, clause: ast.Clause) -> None:
        self.used = _variables(clause.head) | {n for lit in clause.body for n in _variables(lit)}

    def fresh(self, base: str) -> str:
        candidate, number = base, 0
        while candidate in self.used:
            candidate = f"{base}{number}"
            number += 1
        self.used.add(candidate)
        return candidate


# ---- groundedness, as Soufflé's analysis computes it ------------------------------------

Mode = Callable[[ast.Aggregate], str]  # "open" (body read, value grounded), "grounded" or "ungrounded"


def _grounded(body: tuple[ast.Literal, ...], mode: Mode) -> set[str]:
    """The variables that `body` grounds: the arguments of its positive atoms and what `=`
    equates to a grounded term, the bodies of "open" aggregates included."""
    atoms: list[ast.Atom] = []
    equations: list[tuple[ast.Term, ast.Term]] = []

    def collect(literals: tuple[ast.Literal, ...]) -> None:
        for literal in literals:
            if isinstance(literal, ast.Atom):
                atoms.append(literal)
            elif isinstance(literal, ast.Comparison) and literal.op == "=":
                equations.append((literal.left, literal.right))
            for term in _terms(literal):
                for aggregate in _open_aggregates(term, mode):
                    collect(aggregate.body)

    collect(body)
    bound: set[str] = set()

    def holds(term: ast.Term) -> bool:
        if isinstance(term, ast.Var):
            return term.name in bound
        if isinstance(term, ast.Const):
            return True
        if isinstance(term, ast.Call):
            return all(holds(a) for a in term.args)
        if isinstance(term, ast.Aggregate):
            return mode(term) != "ungrounded"
        return False

    def ground(term: ast.Term) -> bool:
        if isinstance(term, ast.Var):
            if term.name not in bound:
                bound.add(term.name)
                return True
        elif isinstance(term, ast.Call) and constructs(term.op):  # a record's fields, with it
            return any([ground(a) for a in term.args])
        return False

    changed = True
    while changed:
        changed = False
        for atom in atoms:
            for arg in atom.args:
                changed |= ground(arg)
        for left, right in equations:
            if holds(left):
                changed |= ground(right)
            if holds(right):
                changed |= ground(left)
    return bound


def _open_aggregates(term: ast.Term, mode: Mode) -> Iterator[ast.Aggregate]:
    if isinstance(term, ast.Aggregate):
        if mode(term) == "open":
            yield term
    elif isinstance(term, ast.Call):
        for arg in term.args:
            yield from _open_aggregates(arg, mode)


def _injected(aggregate: ast.Aggregate, path: tuple[ast.Aggregate, ...], clause: ast.Clause) -> set[str]:
    """The variables of `aggregate` that the rest of the clause grounds, its target's excepted."""
    ancestors = {id(a) for a in path}

    def mode(other: ast.Aggregate) -> str:
        if other is aggregate:
            return "ungrounded"
        return "open" if id(other) in ancestors else "grounded"

    names = _grounded(clause.body, mode) & _variables(aggregate)
    if aggregate.target is not None:
        names -= _variables(aggregate.target)
    return names


def _witnesses(aggregate: ast.Aggregate, path: tuple[ast.Aggregate, ...], clause: ast.Clause) -> set[str]:
    """The variables ungrounded outside every aggregate that `aggregate`'s body grounds."""
    outside = _outside_variables(clause) - _grounded(clause.body, lambda _: "grounded")
    if not outside:
        return set()
    inside = _grounded(aggregate.body, lambda _: "open")
    return (outside & inside) - _injected(aggregate, path, clause)


# ---- the rewrites ------------------------------------------------------------------------

def _name_ignored_values(literal: ast.Literal, names: _Names) -> ast.Literal:
    """`_ = agg` as `v = agg` with a fresh `v`: Soufflé accepts the wildcard there."""
    if isinstance(literal, ast.Comparison) and literal.op == "=":
        for wild, other in ((literal.left, literal.right), (literal.right, literal.left)):
            if isinstance(wild, ast.Wildcard) and isinstance(other, ast.Aggregate):
                var = ast.Var(names.fresh("_value"), wild.span)
                return attrs.evolve(literal, left=var, right=other)
    return literal


def _rename_locals(clause: ast.Clause, names: _Names) -> ast.Clause:
    """Each aggregate's locals that share a name with a variable outside it, renamed."""
    renames: dict[int, dict[str, str]] = {}
    for aggregate, path in _aggregates(clause.body):
        inside = _variables(aggregate)
        local = inside - _injected(aggregate, path, clause) - _witnesses(aggregate, path, clause)
        if not local:
            continue
        # outside every aggregate, or in an enclosing aggregate's own literals (a sibling
        # aggregate's local of the same name is already a variable of its own)
        elsewhere = _outside_variables(clause)
        for outer in path:
            if outer.target is not None:
                elsewhere.update(ast.term_variables(outer.target))
            for literal in outer.body:
                elsewhere.update(ast.literal_variables(literal))
        clashing = sorted(local & elsewhere)
        if clashing:
            renames[id(aggregate)] = {name: names.fresh(name) for name in clashing}
    if not renames:
        return clause

    def rebuild(term: ast.Term, env: dict[str, str]) -> ast.Term:
        if isinstance(term, ast.Var):
            return attrs.evolve(term, name=env[term.name]) if term.name in env else term
        if isinstance(term, ast.Call):
            return attrs.evolve(term, args=tuple(rebuild(a, env) for a in term.args))
        if isinstance(term, ast.Aggregate):
            inner = {**env, **renames.get(id(term), {})}
            target = None if term.target is None else rebuild(term.target, inner)
            body = tuple(_map_literal(lit, lambda t: rebuild(t, inner)) for lit in term.body)
            return attrs.evolve(term, target=target, body=body)
        return term

    body = tuple(_map_literal(lit, lambda t: rebuild(t, {})) for lit in clause.body)
    return attrs.evolve(clause, body=body)


def _ground_witnesses(clause: ast.Clause, names: _Names) -> tuple[ast.Clause, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    refused: set[int] = set()
    for _ in range(_MAX_REWRITES):
        found = _next_witnessed(clause, refused)
        if found is None:
            break
        aggregate, witnesses = found
        if aggregate.op not in ("min", "max"):
            refused.add(id(aggregate))
            diagnostics += _refusals(aggregate, witnesses)
            continue
        clause = _grounding(clause, aggregate, witnesses, names)
    return clause, diagnostics


def _next_witnessed(clause: ast.Clause, refused: set[int]) -> tuple[ast.Aggregate, set[str]] | None:
    """The first aggregate with witnesses of its own (not its inner aggregates')."""
    found = list(_aggregates(clause.body))
    witnesses = {id(a): _witnesses(a, path, clause) for a, path in found}
    for aggregate, _path in found:
        if id(aggregate) in refused:
            continue
        own = set(witnesses[id(aggregate)])
        for inner, inner_path in found:
            if inner is not aggregate and any(a is aggregate for a in inner_path):
                own -= witnesses[id(inner)]
        if own:
            return aggregate, own
    return None


def _refusals(aggregate: ast.Aggregate, witnesses: set[str]) -> list[Diagnostic]:
    """Soufflé's "witness problem": a count, sum or mean has no tuple to take a witness from."""
    result = []
    for name in sorted(witnesses):
        uses = [v for lit in aggregate.body for v in _own_uses(lit, name)]
        span = uses[0].span if uses else aggregate.span
        result.append(error(
            f"variable `{name}` is grounded only inside a `{aggregate.op}` aggregate, and used outside it",
            span,
            f"only `min` and `max` give a witness (a tuple reaching the value); ground `{name}` "
            f"outside the aggregate, or rename the one inside if it is meant to be local"))
    return result


def _own_uses(literal: ast.Literal, name: str) -> list[ast.Var]:
    """The occurrences of `name` in `literal` outside its aggregates."""
    found: list[ast.Var] = []

    def visit(term: ast.Term) -> None:
        if isinstance(term, ast.Var) and term.name == name:
            found.append(term)
        elif isinstance(term, ast.Call):
            for arg in term.args:
                visit(arg)

    for term in _terms(literal):
        visit(term)
    return found


def _grounding(clause: ast.Clause, aggregate: ast.Aggregate, witnesses: set[str], names: _Names) -> ast.Clause:
    """Soufflé's GroundWitnesses for one min/max aggregate (see the module's docstring)."""
    body, target = aggregate.body, aggregate.target
    if target is None:  # no min or max without one; the parser makes sure
        return clause
    if not isinstance(target, ast.Var):  # `min x + y : {...}`: the target as a variable first
        var = ast.Var(names.fresh("_target"), target.span)
        body = body + (ast.Comparison("=", var, target, target.span),)
        target = var
    fresh = {w: names.fresh(f"{w}_w") for w in sorted(witnesses)}
    renamed = attrs.evolve(aggregate, target=target, body=tuple(_renamed(lit, fresh) for lit in body))

    def value(term: ast.Term) -> ast.Term | None:
        return renamed if isinstance(term, ast.Var) and term.name == target.name else None

    copies = tuple(_map_literal(lit, value) for lit in body)
    replaced = tuple(_map_literal(lit, lambda t: renamed if t is aggregate else None) for lit in clause.body)
    return attrs.evolve(clause, body=replaced + copies)
