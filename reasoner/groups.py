"""Updating a non-recursive stratum group by group when its inputs change in ways that are not
monotone for it: tuples added under a negation or inside an aggregate, tuples lost by any input.

    dyad_month(A, T, M, N) :- dyad_month_key(A, T, M), N = count : dyad_month_event(A, T, M, _).

reads `dyad_month_event` through the groups (A, T, M) it counts over. When tuples are added to
it, only the head tuples of the groups they fall in can change; recomputing the whole relation
would redo every other group. Instead:

1. *Touched groups.* Each atom of a rule has touches: plans that map the tuples its relation
   gained or lost to values of the head's *group columns*, the plain head arguments whose
   variables the atom shares with the rest of the rule. An added tuple inside an aggregate
   touches the groups of the matches it makes (it is joined with the aggregate's other atoms as
   they are now); a tuple added to a negated atom, or lost by any atom, touches the groups its
   own values decide. Fewer shared variables only mean larger groups; none, the whole relation.
2. *Stale tuples.* Head tuples whose group columns hold a touched group may no longer hold (a
   count grew, a negation became false, a body tuple is gone); they are taken out, unless they
   are base facts.
3. *Re-derivation.* Every rule of the relation is run again with its head's group columns bound
   to the touched groups, over the current relations: what it derives holds now. A taken-out
   tuple it derives again is kept; the others are lost, and the strata above learn of it.

Positive atoms that gained tuples are handled as in any update, by delta variants.
"""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.analysis.safety import injected_variables
from reasoner.plan import RulePlan, compile_plan
from reasoner.program import RelationSchema

GOAL = "~group"  # the pseudo-relation holding the touched groups (no user name has `~`)


@attrs.frozen
class Touch:
    """How tuples added to (`on` "added") or lost by (`on` "lost") `relation` touch groups of a
    rule's head: `plan` maps them to the values of the head's `columns` (None: every tuple
    touches the one group of the whole relation)."""

    relation: str
    on: str
    columns: tuple[int, ...]
    plan: RulePlan | None


class StratumGroups:
    """The touches and re-derivation plans of one non-recursive stratum, compiled on first use."""

    def __init__(self, analysis: Analysis, rules: tuple[ast.Clause, ...]):
        self.analysis = analysis
        self.rules = rules
        self._touches: tuple[Touch, ...] | None = None
        self._rederive: dict[tuple[int, tuple[int, ...]], RulePlan] = {}

    def touches(self) -> tuple[Touch, ...]:
        if self._touches is None:
            self._touches = tuple(t for rule in self.rules for t in _rule_touches(rule, self.analysis))
        return self._touches

    def rederive(self, rule: ast.Clause, columns: tuple[int, ...], choose_index) -> RulePlan:
        """`rule` with its head's `columns` bound to the rows of the delta (the touched groups)."""
        key = (id(rule), columns)
        plan = self._rederive.get(key)
        if plan is None:
            schemas = self.analysis.schemas
            head = schemas[rule.head.relation]
            bases = tuple(head.bases[c] for c in columns)
            goal_schema = RelationSchema(GOAL, tuple(f"c{c}" for c in columns), bases, bases)
            goal = ast.Atom(GOAL, tuple(rule.head.args[c] for c in columns))
            plan = self._rederive[key] = compile_plan(
                (goal, *rule.body), rule.head.args, head.bases, {**schemas, GOAL: goal_schema},
                self.analysis.variable_types[id(rule)], delta_position=0, clause=rule,
                title=f"{rule}  [groups {columns}]".replace("\n", " "), ranges=False,
                choose_index=choose_index)
        return plan


def _rule_touches(rule: ast.Clause, analysis: Analysis) -> list[Touch]:
    """The touches of every atom of `rule`: tuples lost by a positive atom; tuples added to or
    lost by a negated atom or one inside an aggregate."""
    head_columns: dict[str, int] = {}
    for column, arg in enumerate(rule.head.args):
        if isinstance(arg, ast.Var):
            head_columns.setdefault(arg.name, column)
    touches = []
    for literal in rule.body:
        if isinstance(literal, ast.Atom):
            shared = list(dict.fromkeys(ast.literal_variables(literal)))
            touches.append(_touch(rule, analysis, "lost", literal, [], shared, head_columns))
        elif isinstance(literal, ast.Negation):
            shared = list(dict.fromkeys(ast.literal_variables(literal.atom)))
            for on in ("added", "lost"):
                touches.append(_touch(rule, analysis, on, literal.atom, [], shared, head_columns))
    terms = [t for literal in rule.body for t in ast.literal_terms(literal)] + list(rule.head.args)
    for term in terms:
        for aggregate in ast.aggregates_in(term):
            touches += _aggregate_touches(rule, analysis, aggregate, head_columns)
    return touches


def _aggregate_touches(rule, analysis, aggregate: ast.Aggregate, head_columns) -> list[Touch]:
    """An added tuple touches the groups of the matches it makes, found by joining it with the
    aggregate's other positive atoms as they are now (its negated atom, if negated). A lost
    tuple's matches are gone, and the tuples they were made with may be gone too, so it touches
    the groups its own values decide (a coarser answer)."""
    shared = injected_variables(aggregate, rule.body, rule.head)
    positives = [lit for lit in aggregate.body if isinstance(lit, ast.Atom)]
    touches = []
    for literal in aggregate.body:
        if isinstance(literal, (ast.Atom, ast.Negation)):
            atom = literal if isinstance(literal, ast.Atom) else literal.atom
            others = [a for a in positives if a is not literal]
            touches.append(_touch(rule, analysis, "added", atom, others, shared, head_columns))
            touches.append(_touch(rule, analysis, "lost", atom, [], shared, head_columns))
        for term in ast.literal_terms(literal):
            for nested in ast.aggregates_in(term):  # an aggregate inside one: whole relation
                touches += [Touch(a.relation, on, (), None) for a in _atoms_within(nested)
                            for on in ("added", "lost")]
    return touches


def _atoms_within(aggregate: ast.Aggregate) -> list[ast.Atom]:
    atoms = []
    for literal in aggregate.body:
        if isinstance(literal, ast.Atom):
            atoms.append(literal)
        elif isinstance(literal, ast.Negation):
            atoms.append(literal.atom)
        for term in ast.literal_terms(literal):
            for nested in ast.aggregates_in(term):
                atoms += _atoms_within(nested)
    return atoms


def _touch(rule, analysis, on: str, atom: ast.Atom, others: list[ast.Atom], shared: list[str],
           head_columns: dict[str, int]) -> Touch:
    """The touch of `atom` (read from the delta) joined with `others`, keeping the `shared`
    variables that those atoms bind and that are plain head arguments."""
    body = [_plain(atom)] + [_plain(a) for a in others]
    bound = {a.name for b in body for a in b.args if isinstance(a, ast.Var)}
    keys = [n for n in shared if n in bound and n in head_columns]
    keys.sort(key=head_columns.__getitem__)
    columns = tuple(head_columns[n] for n in keys)
    if not keys:
        return Touch(atom.relation, on, (), None)
    schemas = analysis.schemas
    bases = tuple(schemas[rule.head.relation].bases[c] for c in columns)
    plan = compile_plan(tuple(body), tuple(ast.Var(n) for n in keys), bases, schemas,
                        analysis.variable_types[id(rule)], delta_position=0, clause=rule,
                        title=f"{rule}  [groups touched by {atom.relation}]".replace("\n", " "),
                        ranges=False)
    return Touch(atom.relation, on, columns, plan)


def _plain(atom: ast.Atom) -> ast.Atom:
    """`atom` with every argument that is not a variable or a constant made a wildcard (a
    weaker condition: it may only widen the touched groups)."""
    args = tuple(a if isinstance(a, (ast.Var, ast.Const, ast.Wildcard)) else ast.Wildcard(a.span)
                 for a in atom.args)
    return ast.Atom(atom.relation, args, atom.span)
