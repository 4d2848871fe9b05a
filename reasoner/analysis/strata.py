"""Stratification: the precedence graph of relations, its strongly connected components in
dependency order, and the check that no negation or aggregation goes through recursion."""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.program import RelationSchema


@attrs.frozen
class Stratum:
    """Relations computed together, the rules that compute them, and whether they recurse."""

    relations: frozenset[str]
    rules: tuple[ast.Clause, ...]
    recursive: bool
    subsumptions: tuple[ast.Subsumption, ...] = ()  # those that remove tuples of its relations


@attrs.frozen
class Edge:
    head: str
    body: str
    negative: bool  # through negation or aggregation
    literal: ast.Literal | ast.Aggregate


def dependency_edges(rules) -> list[Edge]:
    edges: list[Edge] = []
    for rule in rules:
        for literal in rule.body:
            if isinstance(literal, ast.Atom):
                edges.append(Edge(rule.head.relation, literal.relation, False, literal))
            elif isinstance(literal, ast.Negation):
                edges.append(Edge(rule.head.relation, literal.atom.relation, True, literal))
            for term in ast.literal_terms(literal):
                for aggregate in ast.aggregates_in(term):
                    for name in _aggregate_relations(aggregate):
                        edges.append(Edge(rule.head.relation, name, True, aggregate))
        for arg in rule.head.args:
            for aggregate in ast.aggregates_in(arg):
                for name in _aggregate_relations(aggregate):
                    edges.append(Edge(rule.head.relation, name, True, aggregate))
    return edges


def _aggregate_relations(aggregate: ast.Aggregate) -> list[str]:
    """The relations an aggregate reads, those of the aggregates nested in it too."""
    names = [atom.relation for literal in aggregate.body for atom in ast.literal_atoms(literal)]
    if aggregate.target is not None:
        for inner in ast.aggregates_in(aggregate.target):
            names += _aggregate_relations(inner)
    return names


def components(nodes: list[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; dependencies come first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def stratify(rules, schemas: dict[str, RelationSchema],
             subsumptions: tuple[ast.Subsumption, ...] = ()) -> tuple[list[Stratum], list[Diagnostic]]:
    """The strata in dependency order. A subsumption depends on the relations of its body
    like a rule for its relation (its two tuples are the relation itself)."""
    edges = dependency_edges(rules)
    edges += [e for e in dependency_edges(ast.Clause(s.dominated, s.body, s.span) for s in subsumptions)
              if e.body != e.head]
    nodes = sorted(set(schemas) | {r.head.relation for r in rules})
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        successors.setdefault(edge.head, []).append(edge.body)
    diagnostics: list[Diagnostic] = []
    strata: list[Stratum] = []
    rules_by_head: dict[str, list[ast.Clause]] = {}
    for rule in rules:
        rules_by_head.setdefault(rule.head.relation, []).append(rule)
    for component in components(nodes, successors):
        members = frozenset(component)
        for edge in edges:
            if edge.negative and edge.head in members and edge.body in members:
                cycle = _cycle(edge.body, edge.head, successors, members)
                kind = "negation" if isinstance(edge.literal, ast.Negation) else "aggregation"
                diagnostics.append(error(
                    f"{kind} of `{edge.body}` in a rule for `{edge.head}` goes through recursion: "
                    f"{' -> '.join(cycle)}",
                    edge.literal.span,
                    "the program cannot be stratified; a relation must not depend on its own "
                    "negation or aggregate",
                ))
        # A rule stated twice (e.g. in two files that each work on their own) is run once,
        # unless it counts (`autoinc()`): then each statement numbers tuples of its own.
        stated = {_statement(r): r for name in component for r in rules_by_head.get(name, ())}
        component_rules = tuple(stated.values())
        recursive = len(component) > 1 or any(e.head == e.body for e in edges if e.head in members)
        for key, rule in stated.items():
            if recursive and key is not rule and any(
                    atom.relation in members for literal in rule.body for atom in ast.literal_atoms(literal)):
                diagnostics.append(error(
                    f"the counter `autoinc()` in a recursive rule for `{rule.head.relation}`", rule.span,
                    "each round would number the same tuples anew, without end; number them in a "
                    "rule outside the recursion"))
        removing = tuple(s for s in subsumptions if s.relation in members)
        strata.append(Stratum(members, component_rules, recursive, removing))
    return strata, diagnostics


def _statement(rule: ast.Clause) -> object:
    """What makes two rules the same: their text, and their place if they apply the counter."""
    terms = list(rule.head.args) + [t for literal in rule.body for t in ast.literal_terms(literal)]
    while terms:
        term = terms.pop()
        if isinstance(term, ast.Call):
            if term.op == "autoinc":
                return (rule, rule.span)
            terms.extend(term.args)
        elif isinstance(term, ast.Aggregate):
            terms.extend([t for literal in term.body for t in ast.literal_terms(literal)])
            if term.target is not None:
                terms.append(term.target)
    return rule


def _cycle(start: str, goal: str, successors, members) -> list[str]:
    """A dependency path goal -> start -> ... -> goal inside one component, for messages."""
    # breadth-first from start back to goal, staying inside the component
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            break
        for child in successors.get(node, ()):
            if child in members and child not in previous:
                previous[child] = node
                queue.append(child)
    path = [goal]
    node = goal
    while node != start:
        parent = previous.get(node)
        if parent is None:
            break
        node = parent
        path.append(node)
    path.reverse()  # start ... goal
    return [goal] + path if path[0] != goal else path + [goal]
