"""Safety: every variable must be grounded (range-restricted).

A variable is grounded when it appears as an argument of a positive body atom, or is equated
to an expression whose variables are grounded. Variables in the head, in negations, in
comparisons and in functor arguments must be grounded. Variables inside an aggregate body are
local to it, except those that also appear outside it, which the rest of the body must ground.
"""

from __future__ import annotations

from reasoner import ast
from reasoner.errors import Diagnostic, error, warning


def grounded_variables(body: tuple[ast.Literal, ...], outer: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The variables a conjunctive body grounds, given `outer` already grounded."""
    bound = set(outer)
    for literal in body:
        if isinstance(literal, ast.Atom):
            bound.update(a.name for a in literal.args if isinstance(a, ast.Var))
    changed = True
    while changed:
        changed = False
        for literal in body:
            if isinstance(literal, ast.Comparison) and literal.op == "=":
                for var, other in ((literal.left, literal.right), (literal.right, literal.left)):
                    if (
                        isinstance(var, ast.Var)
                        and var.name not in bound
                        and _computable(other, bound, body)
                    ):
                        bound.add(var.name)
                        changed = True
    return bound


def _computable(term: ast.Term, bound: set[str], body) -> bool:
    if isinstance(term, ast.Var):
        return term.name in bound
    if isinstance(term, ast.Wildcard):
        return False
    if isinstance(term, ast.Call):
        return all(_computable(a, bound, body) for a in term.args)
    if isinstance(term, ast.Aggregate):
        return all(v in bound for v in injected_variables(term, body, None))
    return True


def injected_variables(aggregate: ast.Aggregate, body, head: ast.Atom | None) -> list[str]:
    """Variables of an aggregate's body that also occur outside the aggregate."""
    inside = _aggregate_variables(aggregate)
    outside: set[str] = set()
    for literal in body:
        outside.update(_variables_outside(literal, aggregate))
    if head is not None:
        outside.update(v for a in head.args for v in ast.term_variables(a))
    return [v for v in inside if v in outside]


def _aggregate_variables(aggregate: ast.Aggregate) -> list[str]:
    """The variables of an aggregate, those of the aggregates nested in it included (a
    variable injected only into an inner aggregate is injected into this one too)."""
    names: list[str] = []
    for literal in aggregate.body:
        names += ast.literal_variables(literal)
        for term in ast.literal_terms(literal):
            for inner in ast.aggregates_in(term):
                names += _aggregate_variables(inner)
    if aggregate.target is not None:
        names += ast.term_variables(aggregate.target)
        for inner in ast.aggregates_in(aggregate.target):
            names += _aggregate_variables(inner)
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def _variables_outside(literal: ast.Literal, skip: ast.Aggregate) -> list[str]:
    """Variables of `literal` outside every aggregate: a variable that occurs only inside
    aggregates is local to each of them (as in Soufflé), even when two share its name."""
    return ast.literal_variables(literal)


def _defined_by_equation(name: str, body) -> bool:
    return any(
        isinstance(literal, ast.Comparison) and literal.op == "="
        and any(isinstance(side, ast.Var) and side.name == name for side in (literal.left, literal.right))
        for literal in body
    )


def _follow_ups(head: ast.Atom | None, body, bound: set[str]) -> set[str]:
    """Ungrounded variables that an equation would ground if the other ungrounded variables
    were grounded (`Y` in `Y = X + Z` with `Z` ungrounded): reporting `Z` is enough."""
    names: set[str] = set()
    for literal in body:
        names.update(ast.literal_variables(literal))
    if head is not None:
        names.update(v for a in head.args for v in ast.term_variables(a))
    ungrounded = names - bound
    roots = {n for n in ungrounded if not _defined_by_equation(n, body)}
    return grounded_variables(body, bound | roots) - bound - roots


def check_safety(head: ast.Atom | None, body: tuple[ast.Literal, ...],
                 shared: frozenset[str] | None = None) -> list[Diagnostic]:
    """Safety diagnostics of one clause or goal. `shared`: variables that occur more than
    once in the clause as written (before disjunctions were expanded); never singletons."""
    diagnostics: list[Diagnostic] = []
    bound = grounded_variables(body)
    reported: set[str] = set()
    follow_ups = _follow_ups(head, body, bound)

    def need(term: ast.Term, where: str, hint: str | None = None) -> None:
        if isinstance(term, ast.Var):
            if term.name in follow_ups:
                return
            if term.name not in bound and term.name not in reported:
                reported.add(term.name)
                diagnostics.append(error(
                    f"variable `{term.name}` is not grounded {where}",
                    term.span,
                    hint or f"`{term.name}` must appear in a positive atom of the body, "
                    f"or be equated to a grounded value",
                ))
        elif isinstance(term, ast.Wildcard):
            diagnostics.append(error(f"`_` cannot be used {where}", term.span,
                                     "a wildcard only stands for an ignored column of a body atom"))
        elif isinstance(term, ast.Call):
            for arg in term.args:
                need(arg, where, hint)
        elif isinstance(term, ast.Aggregate):
            for name in injected_variables(term, body, head):
                if name not in bound and name not in reported and name not in follow_ups:
                    reported.add(name)
                    diagnostics.append(error(
                        f"variable `{name}` is not grounded outside the aggregate", term.span,
                        f"`{name}` also appears outside the aggregate, so the rest of the body must ground it; "
                        f"rename it if it is meant to be local"))
            found = _check_aggregate(term, body, head, bound)
            reported.update(d.message.split("`")[1] for d in found)
            diagnostics.extend(found)

    if head is not None:
        for arg in head.args:
            need(arg, "in the head")
    for literal in body:
        if isinstance(literal, ast.Atom):
            for arg in literal.args:
                if not isinstance(arg, (ast.Var, ast.Wildcard)):
                    need(arg, "in an argument expression")
        elif isinstance(literal, ast.Negation):
            for arg in literal.atom.args:
                if not isinstance(arg, ast.Wildcard):
                    need(arg, "in a negation", "use `_` for a column the negation should ignore")
        elif isinstance(literal, ast.Comparison):
            need(literal.left, "in a comparison")
            need(literal.right, "in a comparison")
        elif isinstance(literal, ast.Test):
            for arg in literal.args:
                need(arg, f"in `{literal.op}`")
    if head is not None:
        diagnostics += [w for w in _singletons(head, body)
                        if w.message.split("`")[1] not in reported | (shared or set())]
    return diagnostics


def _check_aggregate(aggregate: ast.Aggregate, body, head, outer_bound: set[str]) -> list[Diagnostic]:
    injected = set(injected_variables(aggregate, body, head))
    diagnostics = []
    inner_bound = grounded_variables(aggregate.body, injected)
    terms = [] if aggregate.target is None else [aggregate.target]
    for literal in aggregate.body:
        if isinstance(literal, ast.Atom):
            terms += [a for a in literal.args if not isinstance(a, (ast.Var, ast.Wildcard))]
        elif isinstance(literal, ast.Negation):
            terms += [a for a in literal.atom.args if not isinstance(a, ast.Wildcard)]
        else:
            terms += list(ast.literal_terms(literal))
    reported: set[str] = set()
    for term in terms:
        for name in ast.term_variables(term):
            if name not in inner_bound and name not in reported:
                reported.add(name)
                var = _find_var(term, name)
                diagnostics.append(error(
                    f"variable `{name}` is not grounded in the aggregate", var.span if var else aggregate.span,
                    f"`{name}` must appear in a positive atom inside the aggregate"))
    return diagnostics


def _find_var(term: ast.Term, name: str) -> ast.Var | None:
    if isinstance(term, ast.Var) and term.name == name:
        return term
    if isinstance(term, ast.Call):
        for arg in term.args:
            found = _find_var(arg, name)
            if found:
                return found
    return None


def _singletons(head: ast.Atom, body) -> list[Diagnostic]:
    """Warn about a named variable used once in a rule: usually a typo for another name."""
    counts: dict[str, list[ast.Var]] = {}

    def visit(term: ast.Term) -> None:
        if isinstance(term, ast.Var):
            counts.setdefault(term.name, []).append(term)
        elif isinstance(term, ast.Call):
            for arg in term.args:
                visit(arg)
        elif isinstance(term, ast.Aggregate):
            if term.target is not None:
                visit(term.target)
            for literal in term.body:
                for t in ast.literal_terms(literal):
                    visit(t)

    for arg in head.args:
        visit(arg)
    for literal in body:
        for term in ast.literal_terms(literal):
            visit(term)
    return [
        warning(f"variable `{name}` occurs only once", uses[0].span,
                "write `_` if the value does not matter")
        for name, uses in counts.items()
        if len(uses) == 1 and not name.startswith("_")
    ]
