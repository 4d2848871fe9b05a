"""Why a fact does not hold: for each rule that could derive it, the first body literal that has
no match under the bindings so far.

A rule's body is read in the order it is written, except that a negation, comparison or test is
taken only once its variables are bound (as the rule would be read by a person). After each
literal the bindings that survive are computed by compiling the prefix with the fact as its goal;
the first literal after which none survive is the one that fails.
"""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.eqrel import EqrelRelation
from reasoner.explain.proof import RuleFailure, WhyNot
from reasoner.explain.search import Matcher, ProofBuilder, constant, fact_text, substitute
from reasoner.facts_io import sort_key
from reasoner.program import RelationSchema
from reasoner.records import pattern_text, unpacks
from reasoner.syntax.records import unpack_head

SAMPLES = 3  # example bindings reported per failing rule


def why_not(builder: ProofBuilder, relation: str, row: tuple) -> WhyNot:
    text = fact_text(relation, row)
    rules = builder.rules_of.get(relation, [])
    if not rules:
        stored = builder.relations[relation]
        if isinstance(stored, EqrelRelation):
            return WhyNot(text, relation, row, (), f"no rule derives `{relation}`; {_unlinked(stored, row)}")
        count = len(builder.relations[relation].tuples)
        facts = f"it has {count:,} fact{'s' if count != 1 else ''}, and this is not one of them" if count \
            else "and it has no facts"
        return WhyNot(text, relation, row, (), f"no rule derives `{relation}`, {facts}")
    failures = tuple(_first_failure(builder, rule, row) for rule in rules)
    return WhyNot(text, relation, row, failures)


def _unlinked(stored: EqrelRelation, row: tuple) -> str:
    """An eqrel's pair that does not hold: the classes its two values are in."""
    def where(value: object) -> str:
        size = stored.class_size(value)
        return f"{constant(value)} in " + (f"a class of {size:,} value{'s' if size != 1 else ''}" if size else "none")

    return (f"it is an equivalence (`eqrel`) whose pairs do not link {constant(row[0])} and "
            f"{constant(row[1])} ({where(row[0])}, {where(row[1])})")


def _order(rule: ast.Clause) -> list[int]:
    """Body positions in reading order: as written, filters once their variables are bound."""
    bound = {a.name for a in rule.head.args if isinstance(a, ast.Var)}  # bound by the fact
    order: list[int] = []
    waiting: list[int] = []
    for position in range(len(rule.body)):
        waiting.append(position)
        progress = True
        while progress:
            progress = False
            for candidate in list(waiting):
                lit = rule.body[candidate]
                binds = _binds(lit, bound)
                if binds is not None:
                    order.append(candidate)
                    waiting.remove(candidate)
                    bound |= binds
                    progress = True
                    break
    return order + waiting


def _binds(literal: ast.Literal, bound: set[str]) -> set[str] | None:
    """The variables `literal` binds if it can be read now, else None."""
    if isinstance(literal, ast.Atom):
        return set(ast.literal_variables(literal))
    names = set(ast.literal_variables(literal))
    if isinstance(literal, ast.Comparison) and literal.op == "=":
        for side, other in ((literal.left, literal.right), (literal.right, literal.left)):
            if isinstance(side, ast.Var) and side.name not in bound and set(ast.term_variables(other)) <= bound:
                return {side.name}
    return set() if names <= bound else None


def _first_failure(builder: ProofBuilder, rule: ast.Clause, row: tuple) -> RuleFailure:
    types = builder.state.variable_types(rule)
    head, unpacking = unpack_head(rule.head)
    if not unpacking:
        return _first_failure_of(builder, rule, types, row)
    # A record in the head (`list([x, l])`): its fields are read from the fact first.
    bases = builder.schemas[rule.head.relation].bases
    types = {**types, **{a.name: b for a, b in zip(head.args, bases) if isinstance(a, ast.Var)}}
    matched = attrs.evolve(rule, head=head, body=unpacking + rule.body, written=rule.shown_body)
    return attrs.evolve(_first_failure_of(builder, matched, types, row, rule.head), rule=rule, position=None)


def _first_failure_of(builder: ProofBuilder, rule: ast.Clause, types: dict[str, str], row: tuple,
                      head: ast.Atom | None = None) -> RuleFailure:
    """The first failure of `rule` for `row`; `head`: the head to show (as written)."""
    schemas = builder.schemas
    goal_schema: RelationSchema = schemas[rule.head.relation]
    # A head argument computed from the body (`lag(A, B, D2 - D1)`) is checked after the body:
    # until then it only takes its column's value.
    computed = any(not isinstance(a, (ast.Var, ast.Const, ast.Wildcard)) for a in rule.head.args)
    goal_args = tuple(a if isinstance(a, (ast.Var, ast.Const, ast.Wildcard)) else ast.Wildcard(a.span)
                      for a in rule.head.args)
    previous: list[tuple] = []
    order = _order(rule)
    for count in range(len(order) + 1):
        prefix = tuple(rule.body[p] for p in order[:count])
        try:
            matcher = Matcher(prefix, goal_args, goal_schema, schemas, types, rule, f"why not {rule}")
        except AssertionError:  # not schedulable yet (an expression waits for a later literal)
            continue
        bindings = _bindings(matcher, builder, row)
        if not bindings:
            if count == 0:
                return RuleFailure(rule, None, None, (), 0,
                                   f"its head {rule.head} cannot be {fact_text(rule.head.relation, row)}")
            position = order[count - 1]
            literal = rule.body[position]
            samples = _samples(previous)
            values = dict(samples[0]) if samples else {}
            return RuleFailure(rule, literal, position, samples, len(previous),
                               _failure_message(literal, values))
        previous = bindings
    if computed:
        matcher = Matcher(rule.body, rule.head.args, goal_schema, schemas, types, rule, f"why not {rule}")
        if not _bindings(matcher, builder, row):
            samples = _samples(previous)
            written = head if head is not None else rule.head
            shown = substitute(written, dict(samples[0])) if samples else written
            return RuleFailure(rule, None, None, samples, len(previous),
                               f"every body literal matches, but the head computes {shown}, "
                               f"not {fact_text(rule.head.relation, row)}")
    # Every literal matched: the fact would be derived (only if the engine state is stale).
    return RuleFailure(rule, None, None, (), len(previous), "every literal of this rule matches")


def _bindings(matcher: Matcher, builder: ProofBuilder, row: tuple) -> list[tuple]:
    """The distinct bindings of the user's variables under which the matcher's body holds."""
    names = [n for n in matcher.variables if not n.startswith("~")]
    return list(dict.fromkeys(
        tuple((n, m.values[n]) for n in names)
        for m in matcher.matches(row, builder.relations, builder.state.context)))


def _samples(bindings: list[tuple]) -> tuple:
    return tuple(sorted(bindings, key=lambda b: sort_key(tuple(v for _, v in b))))[:SAMPLES]


def _failure_message(literal: ast.Literal, values: dict) -> str:
    pattern = unpacks(literal)
    if pattern is not None and pattern.op == "~is":  # a record pattern (`reasoner.syntax.records`)
        record = substitute(pattern.args[0], values)
        if isinstance(record, ast.Wildcard):  # the record read is not among the bindings shown
            return f"no value read there matches {pattern_text(pattern)}"
        return f"{record} does not match {pattern_text(pattern)}"
    if pattern is not None:  # a field of one
        assert isinstance(literal, ast.Comparison)
        other = literal.left if literal.right is pattern else literal.right
        return f"{pattern_text(pattern)} is never {substitute(other, values)}"
    shown = substitute(literal, values)
    if isinstance(literal, ast.Atom):
        return f"no fact matches {shown}"
    if isinstance(literal, ast.Negation):
        return f"{shown.atom} holds, so {shown} fails"
    return f"{shown} is false"

