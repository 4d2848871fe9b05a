"""Rules of one head that differ only in filters, grouped to run as one SELECT with `OR`.

The parser expands a body's disjunctions into alternatives (disjunctive normal form): the three
`(PA = A ; PA = "_", A != PA)` of a rule give eight clauses that share every atom, and as eight
SELECTs under a UNION each would join the same tables again. `groups` puts together the rules
of one head (as written, or as expanded) whose bodies share every literal but filters:
comparisons, tests, `true`/`false` and negated atoms whose variables the shared literals
ground, so that a filter binds nothing, and does not join tables the shared literals leave
apart. A group compiles to one SELECT (`rules.rule_select`'s `alternatives`): the shared
literals planned as one body, and the `OR` of each rule's own filters. Its rows are the union
of the rules' rows: a row of the shared part is a row of rule i exactly when rule i's filters
hold on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from reasoner import ast
from reasoner.analysis.safety import grounded_variables

Body = tuple[ast.Literal, ...]


def shared_and_own(bodies: Sequence[Body]) -> tuple[Body, list[Body]]:
    """The literals every body holds (in the first body's order, as often as each holds
    them), and what each body holds besides."""
    shared: list[ast.Literal] = []
    rest = [list(body) for body in bodies]
    for literal in bodies[0]:
        if all(literal in others for others in rest):
            shared.append(literal)
            for others in rest:
                others.remove(literal)
    return tuple(shared), [tuple(others) for others in rest]


def _filter(literal: ast.Literal) -> bool:
    if isinstance(literal, ast.Truth):
        return True
    if isinstance(literal, (ast.Comparison, ast.Test, ast.Negation)):
        return not any(ast.aggregates_in(term) for term in ast.literal_terms(literal))
    return False


def mergeable(bodies: Sequence[Body]) -> bool:
    """Whether the bodies differ only in filters over variables their shared literals ground,
    each filter within one part of the shared literals' join (an `OR` of conditions that
    would join two parts, `(X = Y ; ...)`, would leave the database a cross product to
    filter where each rule alone joins on `X = Y`)."""
    shared, own = shared_and_own(bodies)
    grounded = grounded_variables(shared)
    part = _parts(shared)
    return all(_filter(literal) and set(names) <= grounded and len({part(name) for name in names}) <= 1
               for literals in own for literal in literals for names in [ast.literal_variables(literal)])


def _parts(body: Body):
    """The variables of a body in classes joined by a positive atom or an equality holding
    them both (what the database can join by hashing); returns a function from a variable to
    its class's representative. A range or `!=` between two atoms joins them by comparing
    every pair: an `OR` of equalities between them would then be evaluated on each pair
    (`goal_act`: 125 rows from a few hundred preconditions times 99,190 acts, 0.23 s), where
    each rule alone hashes on its own equalities."""
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for literal in body:
        if isinstance(literal, ast.Atom) or (isinstance(literal, ast.Comparison) and literal.op == "="):
            names = ast.literal_variables(literal)
            for name in names[1:]:
                parent[find(name)] = find(names[0])
    return find


def groups(rules: Sequence[ast.Clause]) -> list[list[int]]:
    """The rules (their indices) in groups of one head that `mergeable` allows to run as one
    SELECT; every rule in one group, groups in the order of their first rule."""
    found: list[list[int]] = []
    for number, rule in enumerate(rules):
        for group in found:
            first = rules[group[0]]
            if first.head == rule.head and mergeable([rules[i].body for i in group] + [rule.body]):
                group.append(number)
                break
        else:
            found.append([number])
    return found
