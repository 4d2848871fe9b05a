"""`inline` relations, inlined as Soufflé inlines them.

A relation declared `inline` is not computed: each positive atom that reads it, in the body of
another rule, is replaced by the body of each of its rules (one rule per choice), the rule's
variables renamed apart (`~i3.x`) and its head equated with the atom's arguments. A relation
that only makes sense inlined, such as `cross([a0, a1], [b0, b1], v) :- v = a0 * b1 - a1 * b0`
(its head is grounded only by its callers), then works; one that would be huge if computed
(`nat_pair(x, y) :- nat(x), nat(y)`, read as `nat_pair(x, x)`) stays small.

A relation is inlined only where Soufflé allows it: not recursive through inline relations, not
negated, not read inside an aggregate, not an input or output; otherwise it is computed as any
relation is (the answers are the same when it can be). Its facts are kept, and read as
alternatives of the inlined atom as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import attrs

from reasoner import ast
from reasoner.program import Program

# One clause whose inlined atoms have many rules becomes their product: beyond this many
# clauses, nothing is inlined (the relations are computed instead).
MAX_EXPANSION = 4096


def inline_relations(program: Program) -> Program:
    """`program` with its inlinable `inline` relations inlined into the rules that read them."""
    inline = _inlinable(program)
    if not inline:
        return program
    definitions: dict[str, list[ast.Clause]] = {}
    for clause in program.clauses:
        if clause.head.relation in inline:
            definitions.setdefault(clause.head.relation, []).append(clause)
    fresh = (f"~i{n}" for n in itertools.count())
    clauses: list[ast.Clause] = []
    for clause in program.clauses:
        if clause.head.relation in inline and clause.body:
            continue  # its rules live on in the rules that read it
        expanded = _expand(clause, inline, definitions, fresh)
        if expanded is None:
            return program
        clauses.extend(expanded)
    return attrs.evolve(program, clauses=tuple(clauses))


def _inlinable(program: Program) -> set[str]:
    inline = {d.relation for d in program.declarations if "inline" in d.qualifiers}
    if not inline:
        return set()
    inline -= {d.relation for d in program.directives}
    inline -= {s.relation for s in program.subsumptions}
    for clause in program.clauses:
        for literal in clause.body:
            if isinstance(literal, ast.Negation):
                inline.discard(literal.atom.relation)
            for term in ast.literal_terms(literal):
                for aggregate in ast.aggregates_in(term):
                    for inner in aggregate.body:
                        inline -= {a.relation for a in ast.literal_atoms(inner)}
        for arg in clause.head.args:
            for aggregate in ast.aggregates_in(arg):
                for inner in aggregate.body:
                    inline -= {a.relation for a in ast.literal_atoms(inner)}
    # Not recursive through inline relations.
    reads = {name: {lit.relation for c in program.clauses if c.head.relation == name
                    for lit in c.body if isinstance(lit, ast.Atom) and lit.relation in inline}
             for name in inline}
    for name in list(inline):
        seen, pending = set(), list(reads.get(name, ()))
        while pending:
            other = pending.pop()
            if other == name:
                inline.discard(name)
                break
            if other not in seen:
                seen.add(other)
                pending.extend(reads.get(other, ()))
    return inline


def _expand(clause: ast.Clause, inline: set[str], definitions: dict[str, list[ast.Clause]],
            fresh: Iterator[str]) -> list[ast.Clause] | None:
    """The clauses `clause` becomes with its inline atoms replaced (None: too many)."""
    bodies = [clause.body]
    done: list[tuple[ast.Literal, ...]] = []
    while bodies:
        body = bodies.pop()
        position = next((i for i, lit in enumerate(body) if isinstance(lit, ast.Atom) and lit.relation in inline),
                        None)
        if position is None:
            done.append(body)
            continue
        atom = body[position]
        assert isinstance(atom, ast.Atom)
        for definition in definitions.get(atom.relation, ()):
            bodies.append(body[:position] + _instance(definition, atom, next(fresh)) + body[position + 1:])
        if len(bodies) + len(done) > MAX_EXPANSION:
            return None
    if done == [clause.body]:
        return [clause]
    # (imported here: reasoner.syntax.records reads reasoner.analysis.safety, so importing
    # reasoner.syntax first would otherwise find this package half made)
    from reasoner.syntax.records import lower_body

    written = clause.shown_body
    return [attrs.evolve(clause, body=lower_body(body, []), written=written) for body in reversed(done)]


def _instance(definition: ast.Clause, atom: ast.Atom, prefix: str) -> tuple[ast.Literal, ...]:
    """The body of `definition`, its variables renamed apart, with its head equated to `atom`:
    a head variable seen first where the atom has a variable or a constant is replaced by it,
    any other head argument is an equation."""
    rename = _Renaming(prefix, {})
    equations: list[ast.Literal] = []
    for head, arg in zip(definition.head.args, atom.args):
        if isinstance(arg, ast.Wildcard):
            continue
        if isinstance(head, ast.Var) and head.name not in rename.replaced and isinstance(arg, (ast.Var, ast.Const)):
            rename.replaced[head.name] = arg
            continue
        equations.append(ast.Comparison("=", arg, rename.term(head), atom.span))
    return tuple(equations) + tuple(rename.literal(lit) for lit in definition.body)


@attrs.define
class _Renaming:
    prefix: str
    replaced: dict[str, ast.Term]  # head variables replaced by the inlined atom's arguments

    def term(self, term: ast.Term) -> ast.Term:
        if isinstance(term, ast.Var):
            if term.name in self.replaced:
                return self.replaced[term.name]
            return ast.Var(f"{self.prefix}.{term.name}", term.span)
        if isinstance(term, ast.Call):
            return attrs.evolve(term, args=tuple(self.term(a) for a in term.args))
        if isinstance(term, ast.Aggregate):
            return attrs.evolve(term, target=self.term(term.target) if term.target is not None else None,
                                body=tuple(self.literal(lit) for lit in term.body))
        return term

    def literal(self, literal: ast.Literal) -> ast.Literal:
        if isinstance(literal, ast.Atom):
            return attrs.evolve(literal, args=tuple(self.term(a) for a in literal.args))
        if isinstance(literal, ast.Negation):
            return attrs.evolve(literal, atom=attrs.evolve(literal.atom, args=tuple(
                self.term(a) for a in literal.atom.args)))
        if isinstance(literal, ast.Comparison):
            return attrs.evolve(literal, left=self.term(literal.left), right=self.term(literal.right))
        if isinstance(literal, ast.Test):
            return attrs.evolve(literal, args=tuple(self.term(a) for a in literal.args))
        return literal
