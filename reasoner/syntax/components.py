"""Soufflé's components, expanded away: `.comp Name<T> : Base<T> { ... }` is a template of
statements, `.init x = Name<number>` makes a copy of them in which every relation and type the
component declares is named `x.relation` (`x.T`), and each type parameter is replaced by its
argument. A component's statements include its bases' (with their arguments), except the rules
of a relation it `.override`s, which the base must declare `overridable`; a component may hold
components and `.init`s of its own, whose names are scoped to it.

The result is plain statements, so every later stage sees an ordinary program; problems (an
unknown component, a wrong number of type arguments, an override of a relation that is not
overridable, instantiation nested too deeply) are diagnostics at the statement.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.suggest import did_you_mean

MAX_DEPTH = 32  # components instantiating components: deeper is a cycle


def expand_components(statements: list[object]) -> tuple[list[ast.Statement], list[Diagnostic]]:
    expander = _Expander()
    scope = {s.name: s for s in statements if isinstance(s, ast.Component)}
    result = expander.statements(statements, scope, 0)
    return result, expander.diagnostics


class _Expander:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def statements(self, statements: list[object] | tuple[object, ...], scope: Mapping[str, ast.Component],
                   depth: int) -> list[ast.Statement]:
        result: list[ast.Statement] = []
        for statement in statements:
            if isinstance(statement, ast.Component):
                continue
            if isinstance(statement, ast.Instance):
                result += self.instance(statement, scope, depth)
            elif isinstance(statement, ast.Override):
                self.diagnostics.append(error("`.override` belongs inside a component", statement.span))
            else:
                result.append(statement)  # type: ignore[arg-type]
        return result

    def instance(self, instance: ast.Instance, scope: Mapping[str, ast.Component], depth: int) -> list[ast.Statement]:
        if depth >= MAX_DEPTH:
            self.diagnostics.append(error(f"components instantiate each other more than {MAX_DEPTH} deep",
                                          instance.span, "a component must not contain an instance of itself"))
            return []
        body = self.body(instance.component, scope, depth)
        if body is None:
            return []
        statements, inner_scope = body
        local = self.statements(statements, inner_scope, depth + 1)
        return rename(local, instance.name)

    def body(self, ref: ast.ComponentRef, scope: Mapping[str, ast.Component],
             depth: int) -> tuple[list[object], dict[str, ast.Component]] | None:
        """The statements of `ref` (its bases' first), type arguments substituted, and the
        components visible inside it."""
        component = scope.get(ref.name)
        if component is None:
            self.diagnostics.append(error(f"unknown component `{ref.name}`", ref.span,
                                          did_you_mean(ref.name, scope) or f"define it: .comp {ref.name} {{ ... }}"))
            return None
        if len(ref.arguments) != len(component.parameters):
            wanted = len(component.parameters)
            self.diagnostics.append(error(
                f"component `{ref.name}` takes {wanted} type argument{'s' if wanted != 1 else ''}, "
                f"not {len(ref.arguments)}", ref.span,
                f"write {ref.name}<{', '.join(component.parameters)}>" if wanted else f"write {ref.name}"))
            return None
        types = dict(zip(component.parameters, ref.arguments))
        inner_scope = dict(scope)
        inner_scope.update({s.name: s for s in component.body if isinstance(s, ast.Component)})
        own = [_substitute(s, types) for s in component.body]
        overrides = {s.relation: s for s in own if isinstance(s, ast.Override)}
        inherited: list[object] = []
        overridable: set[str] = set()
        for base in component.bases:
            if depth + 1 >= MAX_DEPTH:
                self.diagnostics.append(error(f"component `{ref.name}` inherits from itself", base.span))
                return None
            found = self.body(ast.ComponentRef(types.get(base.name, base.name),
                                               tuple(types.get(a, a) for a in base.arguments), base.span),
                              inner_scope, depth + 1)
            if found is None:
                return None
            inherited += found[0]
            for name, nested in found[1].items():  # a base's own components come along
                inner_scope.setdefault(name, nested)
            overridable |= {s.relation for s in found[0]
                            if isinstance(s, ast.Declaration) and "overridable" in s.qualifiers}
        for name, override in overrides.items():
            if name not in overridable:
                self.diagnostics.append(error(
                    f"`{name}` cannot be overridden: no base of `{ref.name}` declares it `overridable`",
                    override.span, f"declare it in the base: .decl {name}(...) overridable"))
        kept = [s for s in inherited
                if not (isinstance(s, ast.Clause) and s.head.relation in overrides)]
        return kept + [s for s in own if not isinstance(s, ast.Override)], inner_scope


def _substitute(statement: object, types: Mapping[str, str]) -> object:
    """A statement with type parameters replaced by their arguments."""
    if not types:
        return statement
    if isinstance(statement, ast.Declaration):
        return attrs.evolve(statement, attributes=tuple(
            attrs.evolve(a, type=types.get(a.type, a.type)) for a in statement.attributes))
    if isinstance(statement, ast.TypeDeclaration):
        return attrs.evolve(statement, bases=tuple(types.get(b, b) for b in statement.bases))
    if isinstance(statement, ast.Instance):
        ref = statement.component
        return attrs.evolve(statement, component=attrs.evolve(
            ref, name=types.get(ref.name, ref.name), arguments=tuple(types.get(a, a) for a in ref.arguments)))
    if isinstance(statement, ast.Component):
        inner = {k: v for k, v in types.items() if k not in statement.parameters}
        bases = tuple(attrs.evolve(b, name=inner.get(b.name, b.name),
                                   arguments=tuple(inner.get(a, a) for a in b.arguments)) for b in statement.bases)
        return attrs.evolve(statement, bases=bases, body=tuple(_substitute(s, inner) for s in statement.body))
    return statement


def rename(statements: list[ast.Statement], prefix: str) -> list[ast.Statement]:
    """The statements of one instance: the relations and types they declare named
    `prefix.name`, and every use of them too."""
    relations = {s.relation for s in statements if isinstance(s, ast.Declaration)}
    types = {s.name for s in statements if isinstance(s, ast.TypeDeclaration)}
    renamer = _Renamer(prefix, relations, types)
    return [renamer.statement(s) for s in statements]


@attrs.frozen
class _Renamer:
    prefix: str
    relations: set[str]
    types: set[str]

    def relation(self, name: str) -> str:
        return f"{self.prefix}.{name}" if name in self.relations else name

    def type(self, name: str) -> str:
        return f"{self.prefix}.{name}" if name in self.types else name

    def statement(self, statement: ast.Statement) -> ast.Statement:
        if isinstance(statement, ast.Declaration):
            return attrs.evolve(statement, relation=self.relation(statement.relation), attributes=tuple(
                attrs.evolve(a, type=self.type(a.type)) for a in statement.attributes))
        if isinstance(statement, ast.TypeDeclaration):
            return attrs.evolve(statement, name=self.type(statement.name),
                                bases=tuple(self.type(b) for b in statement.bases))
        if isinstance(statement, ast.IODirective):
            return attrs.evolve(statement, relation=self.relation(statement.relation))
        if isinstance(statement, ast.Clause):
            return attrs.evolve(statement, head=self.atom(statement.head),
                                body=tuple(self.literal(b) for b in statement.body))
        if isinstance(statement, ast.Subsumption):
            return attrs.evolve(statement, dominated=self.atom(statement.dominated),
                                dominating=self.atom(statement.dominating),
                                body=tuple(self.literal(b) for b in statement.body))
        if isinstance(statement, ast.Query):
            return attrs.evolve(statement, bodies=tuple(tuple(self.literal(b) for b in body)
                                                        for body in statement.bodies))
        return statement

    def atom(self, atom: ast.Atom) -> ast.Atom:
        return attrs.evolve(atom, relation=self.relation(atom.relation), args=tuple(self.term(a) for a in atom.args))

    def literal(self, literal: ast.Literal) -> ast.Literal:
        if isinstance(literal, ast.Atom):
            return self.atom(literal)
        if isinstance(literal, ast.Negation):
            return attrs.evolve(literal, atom=self.atom(literal.atom))
        if isinstance(literal, ast.Comparison):
            return attrs.evolve(literal, left=self.term(literal.left), right=self.term(literal.right))
        if isinstance(literal, ast.Test):
            return attrs.evolve(literal, args=tuple(self.term(a) for a in literal.args))
        return literal

    def term(self, term: ast.Term) -> ast.Term:
        if isinstance(term, ast.Call):
            return attrs.evolve(term, args=tuple(self.term(a) for a in term.args))
        if isinstance(term, ast.Aggregate):
            target = self.term(term.target) if term.target is not None else None
            return attrs.evolve(term, target=target, body=tuple(self.literal(b) for b in term.body))
        return term
