"""Rebuilding proofs from derivation records.

Evaluation records, for every derived tuple, the round of its stratum's fixpoint in which it was
first added. A tuple added in round r has a derivation whose body facts of the same stratum were
all added in earlier rounds (facts of lower strata are complete before the stratum starts), so
the proof is found by matching each rule of the tuple's relation with the head bound to the tuple
and keeping a match whose same-stratum facts have rounds below r; choosing the match with the
smallest such round gives a proof of minimal height, and the proof can never loop.

A rule is matched by compiling it with a goal atom in front, read from the "delta" (the one tuple
to explain), so the engine's own join plans, functors and types do the matching.
"""

from __future__ import annotations

import datetime
import itertools

import attrs

from reasoner import ast
from reasoner.eqrel import EqrelRelation
from reasoner.errors import QueryError, error
from reasoner.evaluate import run_plan
from reasoner.explain.origins import Origins
from reasoner.explain.proof import Proof, ProofNode
from reasoner.facts_io import sort_key
from reasoner.limits import Budget, Limits
from reasoner.plan import RulePlan, compile_plan
from reasoner.program import RelationSchema
from reasoner.records import Record, unpacks
from reasoner.source import Span
from reasoner.state import EngineState

GOAL = "~goal"  # the pseudo-relation holding the tuple being matched (no user name has `~`)
SHOWN_PER_AGGREGATE = 10  # facts shown under an aggregate node
MAX_NODES = 5_000  # nodes of one proof tree; deeper facts are elided beyond this
_NO_LIMITS = Limits(None, None)


@attrs.frozen
class _Match:
    """One way a rule derives a tuple: its variables' values and the tuples of its body atoms."""

    values: dict
    atoms: tuple[tuple[str, tuple], ...]  # (relation, row) per positive body atom, in body order


class Matcher:
    """A compiled rule body that, given a tuple of its head (or goal), lists the matches."""

    def __init__(self, body: tuple[ast.Literal, ...], goal_args: tuple[ast.Term, ...],
                 goal_schema: RelationSchema, schemas: dict[str, RelationSchema], types: dict[str, str],
                 clause: ast.Clause | None, title: str):
        types = dict(types)
        counter = itertools.count()
        named_body = []
        for literal in body:
            if isinstance(literal, ast.Atom):
                args = []
                for column, arg in enumerate(literal.args):
                    if isinstance(arg, ast.Wildcard):  # name it, so that its value is reported
                        name = f"~w{next(counter)}"
                        types[name] = schemas[literal.relation].bases[column]
                        arg = ast.Var(name, arg.span)
                    args.append(arg)
                literal = ast.Atom(literal.relation, tuple(args), literal.span)
            named_body.append(literal)
        self.atoms = [lit for lit in named_body if isinstance(lit, ast.Atom)]
        names = {n for lit in named_body for n in ast.literal_variables(lit)}
        names |= {n for arg in goal_args for n in ast.term_variables(arg)}
        self.variables = sorted(names)
        terms = [ast.Var(n) for n in self.variables] + [a for atom in self.atoms for a in atom.args]
        bases = [types.get(n, "symbol") for n in self.variables]
        bases += [schemas[atom.relation].bases[i] for atom in self.atoms for i in range(len(atom.args))]
        all_schemas = dict(schemas)
        all_schemas[GOAL] = attrs.evolve(goal_schema, name=GOAL)
        goal = ast.Atom(GOAL, goal_args)
        self.plan: RulePlan = compile_plan((goal, *named_body), tuple(terms), tuple(bases), all_schemas,
                                           types, delta_position=0, clause=clause, title=title)

    def matches(self, goal_row: tuple, relations: dict, context: dict) -> list[_Match]:
        found: set[tuple] = set()
        run_plan(self.plan, self.plan.bind(relations, context), (goal_row,), found, Budget(_NO_LIMITS))
        width = len(self.variables)
        result = []
        for row in sorted(found, key=sort_key):
            values = dict(zip(self.variables, row[:width]))
            atoms, offset = [], width
            for atom in self.atoms:
                atoms.append((atom.relation, row[offset:offset + len(atom.args)]))
                offset += len(atom.args)
            result.append(_Match(values, tuple(atoms)))
        return result


@attrs.frozen
class _Step:
    """How a fact is justified: an input fact (rule None) or a rule with its body items."""

    rule: ast.Clause | None
    items: tuple  # ("atom", relation, row) | ("negation", text) | ("condition", text)
    #               | ("aggregate", text, ((relation, row), ...), omitted)


class ProofBuilder:
    """Explains facts of one engine state (the matchers are compiled once per rule)."""

    def __init__(self, state: EngineState):
        self.state = state
        self.relations = state.relations
        self.schemas = state.schemas
        self.origins = Origins(state)
        self.stratum_of: dict[str, int] = {}
        self.rules_of: dict[str, list[ast.Clause]] = {}
        for number, plan in enumerate(state.plans):
            for name in plan.stratum.relations:
                self.stratum_of[name] = number
            for rule in plan.stratum.rules:
                self.rules_of.setdefault(rule.head.relation, []).append(rule)
        self.matchers: dict[int | tuple[int, int], Matcher] = {}  # by rule, by (rule, aggregate)
        self.steps: dict[tuple[str, tuple], _Step] = {}

    # ---- facts -------------------------------------------------------------------------------
    def is_input(self, relation: str, row: tuple) -> bool:
        return self.state.is_stated(relation, row)

    def holds(self, relation: str, row: tuple) -> bool:
        return row in self.relations[relation].tuples

    def round_of(self, relation: str, row: tuple) -> int:
        """The round a same-stratum body fact was added in (-1 for an input fact)."""
        if self.is_input(relation, row):
            return -1
        found = self.relations[relation].round_of(row)
        return -1 if found is None else found

    def step(self, relation: str, row: tuple) -> _Step:
        key = (relation, row)
        found = self.steps.get(key)
        if found is None:
            found = self.steps[key] = self._justify(relation, row)
        return found

    def _justify(self, relation: str, row: tuple) -> _Step:
        if self.is_input(relation, row):
            return _Step(None, ())
        stored = self.relations[relation]
        if isinstance(stored, EqrelRelation):
            links = stored.linking(row)
            if links != [row]:  # it holds through links (each proved in turn), not by a rule
                rule = linking_rule(relation, row, links, self.schemas[relation].span)
                return _Step(rule, tuple(("atom", relation, link) for link in links))
        limit = stored.round_of(row)
        if limit is None:
            raise QueryError(error(
                "this engine keeps no derivation records, so it cannot explain derived facts",
                None, "create it with Engine(derivations=True) (the default)"))
        members = self.state.plans[self.stratum_of[relation]].stratum.relations
        best = None
        for order, rule in enumerate(self.rules_of.get(relation, ())):
            for match in self.matcher(rule).matches(row, self.relations, self.state.context):
                same = [self.round_of(r, t) for r, t in match.atoms if r in members]
                height = max(same, default=-1)
                if height < limit and (best is None or (height, order) < best[0]):
                    best = ((height, order), rule, match)
                    if height == -1:
                        break
            if best is not None and best[0][0] == -1:
                break
        if best is None:  # cannot happen for a tuple the evaluation derived
            raise AssertionError(f"no derivation found for {relation}{row}")
        _, rule, match = best
        return _Step(rule, self._items(rule, match))

    def matcher(self, rule: ast.Clause) -> Matcher:
        matcher = self.matchers.get(id(rule))
        if matcher is None:
            types = self.state.variable_types(rule)
            matcher = self.matchers[id(rule)] = Matcher(
                rule.body, rule.head.args, self.schemas[rule.head.relation], self.schemas, types, rule,
                f"explain {rule}")
        return matcher

    def _items(self, rule: ast.Clause, match: _Match) -> tuple[tuple[object, ...], ...]:
        items: list[tuple[object, ...]] = []
        atoms = iter(match.atoms)
        for literal in rule.body:
            if isinstance(literal, ast.Atom):
                relation, row = next(atoms)
                items.append(("atom", relation, row))
            elif isinstance(literal, ast.Negation):
                items.append(("negation", f"no {substitute(literal.atom, match.values)}"))
            elif unpacks(literal):  # the fields of a record the atom before it read
                continue
            elif any(ast.aggregates_in(t) for t in ast.literal_terms(literal)):
                for aggregate in (a for t in ast.literal_terms(literal) for a in ast.aggregates_in(t)):
                    facts, total = self._aggregated(rule, aggregate, match.values)
                    text = f"{substitute(literal, match.values, aggregates=True)}"
                    items.append(("aggregate", text, facts, total - len(facts)))
            else:
                items.append(("condition", str(substitute(literal, match.values))))
        return tuple(items)

    def _aggregated(self, rule: ast.Clause, aggregate: ast.Aggregate, values: dict):
        """The facts an aggregate ran over under these values (the first few) and their number."""
        outer = sorted({n for lit in aggregate.body for n in ast.literal_variables(lit)} & values.keys())
        key = (id(rule), id(aggregate))
        matcher = self.matchers.get(key)
        if matcher is None:
            types = self.state.variable_types(rule)
            goal_schema = RelationSchema(GOAL, tuple(outer), tuple(types.get(n, "symbol") for n in outer),
                                         tuple(types.get(n, "symbol") for n in outer))
            matcher = self.matchers[key] = Matcher(
                aggregate.body, tuple(ast.Var(n) for n in outer), goal_schema, self.schemas, types,
                rule, f"explain {aggregate}")
        matches = matcher.matches(tuple(values[n] for n in outer), self.relations, self.state.context)
        if aggregate.op in ("min", "max") and isinstance(aggregate.target, ast.Var):
            # The facts that reach the extreme first: they are the ones that decide it.
            target = aggregate.target.name
            matches.sort(key=lambda m: sort_key((m.values[target],)), reverse=aggregate.op == "max")
        facts = list(dict.fromkeys(fact for m in matches for fact in m.atoms))
        return tuple(facts[:SHOWN_PER_AGGREGATE]), len(facts)

    # ---- trees -------------------------------------------------------------------------------
    def proof(self, relation: str, row: tuple, depth: int | None = None) -> Proof:
        """The proof tree of a fact that holds, derived facts below `depth` levels elided.

        A derived fact proved a second time is not proved again: its node is a reference to
        the node that proved it first (kind "reference", `see` its number). A later occurrence
        nearer the root than the first is proved in full when a depth limit would have cut
        the first one shorter."""
        # Walk in preorder with an explicit stack (proofs can be thousands of levels deep),
        # then build the nodes from the leaves up.
        entries: list[list] = []  # [kind, text, relation, row, rule, origin, level, parent, omitted, see]
        proved: dict[tuple[str, tuple], tuple[int, int]] = {}  # fact -> (entry, level) proving it
        stack = [("fact", relation, row, 1, -1)]
        while stack:
            kind, rel, values, level, parent = stack.pop()
            index = len(entries)
            if kind == "aggregate":  # `rel` is its text, `values` its facts and how many more
                facts, omitted = values
                entries.append(["aggregate", rel, None, None, None, None, level, parent, omitted, None])
                stack.extend(reversed([("fact", r, t, level + 1, index) for r, t in facts]))
                continue
            if kind != "fact":
                entries.append([kind, rel, None, None, None, None, level, parent, 0, None])
                continue
            text = fact_text(rel, values)
            if self.is_input(rel, values):
                entries.append(["fact", text, rel, values, None, self.origins.of(rel, values), level, parent, 0,
                                None])
                continue
            first = proved.get((rel, values))
            if first is not None and (depth is None or first[1] <= level):
                entries.append(["reference", text, rel, values, None, None, level, parent, 0, first[0]])
                continue
            if (depth is not None and level > depth) or len(entries) >= MAX_NODES:
                entries.append(["elided", text, rel, values, None, None, level, parent, 0, None])
                continue
            step = self.step(rel, values)
            proved[(rel, values)] = (index, level)
            entries.append(["derived", text, rel, values, step.rule, None, level, parent, 0, None])
            children = []
            for item in step.items:
                if item[0] == "atom":
                    children.append(("fact", item[1], item[2], level + 1, index))
                elif item[0] == "aggregate":
                    children.append(("aggregate", item[1], (item[2], item[3]), level + 1, index))
                else:
                    children.append((item[0], item[1], None, level + 1, index))
            stack.extend(reversed(children))
        return Proof(self._build(entries), depth)

    @staticmethod
    def _heights(entries: list[list]) -> list[int]:
        """The height of each entry's proof: 1 + its children's for a derived fact, its facts'
        for an aggregate, the referenced node's for a reference, 0 for the rest. A reference
        points to an earlier node that may sit in another branch, so this is computed over the
        proof as a graph, without recursion."""
        below: list[list[int]] = [[] for _ in entries]
        for index, entry in enumerate(entries):
            if entry[7] >= 0:
                below[entry[7]].append(index)
        heights: list[int | None] = [None] * len(entries)
        for start in range(len(entries) - 1, -1, -1):
            stack = [(start, False)]
            while stack:
                index, ready = stack.pop()
                if heights[index] is not None:
                    continue
                kind, see = entries[index][0], entries[index][9]
                needs = [see] if kind == "reference" else below[index]
                if not ready:
                    stack.append((index, True))
                    stack.extend((n, False) for n in needs if heights[n] is None)
                    continue
                tallest = max((heights[n] or 0 for n in needs), default=0)
                heights[index] = {"derived": 1 + tallest, "aggregate": tallest,
                                  "reference": tallest}.get(kind, 0)
        return [h or 0 for h in heights]

    @classmethod
    def _build(cls, entries: list[list]) -> ProofNode:
        heights = cls._heights(entries)
        children: dict[int, list[ProofNode]] = {}
        node = None
        for index in range(len(entries) - 1, -1, -1):
            kind, text, relation, values, rule, origin, _, parent, omitted, see = entries[index]
            below = tuple(reversed(children.pop(index, [])))
            node = ProofNode(index + 1, kind, text, relation, values, rule, heights[index], origin, below, omitted,
                             None if see is None else see + 1)
            children.setdefault(parent, []).append(node)
        assert node is not None
        return node


# ---- text ------------------------------------------------------------------------------------
def linking_rule(name: str, row: tuple, links: list[tuple], span: Span | None) -> ast.Clause:
    """What an explanation shows as the rule by which a pair of `name` holds through `links`
    (`EqrelRelation.linking`): `name(A, C) :- name(A, B), name(C, B).`, one body atom per link
    as it was inserted, at the relation's declaration (a value with itself: the one link that
    brought it in, `name(A, A) :- name(A, B).`)."""
    values = [row[0]]
    for a, b in links:
        values.append(b if a == values[-1] else a)
    names = (["ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i in range(len(values))] if len(values) <= 26
             else [f"X{i + 1}" for i in range(len(values))])
    variable = dict(zip(values, names))

    def atom(a: object, b: object) -> ast.Atom:
        return ast.Atom(name, (ast.Var(variable[a], span), ast.Var(variable[b], span)), span)

    return ast.Clause(atom(*row), tuple(atom(a, b) for a, b in links), span)


def constant(value: object) -> ast.Const:
    if isinstance(value, Record):
        return ast.Const(value, "record")
    if isinstance(value, str):
        return ast.Const(value, "symbol")
    if isinstance(value, float):
        return ast.Const(value, "float")
    if isinstance(value, datetime.date):
        return ast.Const(value, "date")
    return ast.Const(value, "number")


def fact_text(relation: str, row: tuple) -> str:
    return str(ast.Atom(relation, tuple(constant(v) for v in row)))


def substitute(node, values: dict, aggregates: bool = False):
    """`node` (a term or literal) with the variables of `values` replaced by their values.
    Variables the scheduler or the matcher introduced (`~...`) print as `_`."""
    if isinstance(node, ast.Var):
        if node.name in values:
            return constant(values[node.name])
        return ast.Wildcard() if node.name.startswith("~") else node
    if isinstance(node, ast.Call):
        return attrs.evolve(node, args=tuple(substitute(a, values, aggregates) for a in node.args))
    if isinstance(node, ast.Aggregate):
        if not aggregates:
            return node
        return attrs.evolve(node, target=substitute(node.target, values) if node.target is not None else None,
                            body=tuple(substitute(lit, values) for lit in node.body))
    if isinstance(node, ast.Atom):
        return attrs.evolve(node, args=tuple(substitute(a, values, aggregates) for a in node.args))
    if isinstance(node, ast.Negation):
        return attrs.evolve(node, atom=substitute(node.atom, values, aggregates))
    if isinstance(node, ast.Comparison):
        return attrs.evolve(node, left=substitute(node.left, values, aggregates),
                            right=substitute(node.right, values, aggregates))
    if isinstance(node, ast.Test):
        return attrs.evolve(node, args=tuple(substitute(a, values, aggregates) for a in node.args))
    return node
