"""A program: the statements of every loaded text, assembled into relations and clauses.

`Program` is immutable; `Program.extend` returns a new program with more statements, so that
a load that fails can simply be dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from reasoner import ast
from reasoner.user_functors import Bindings, UserFunctor, applies_user_functor, bind, bind_clause, bind_literal
from reasoner.source import Span

if TYPE_CHECKING:
    from reasoner.records import RecordTypes


@attrs.frozen
class RelationSchema:
    """A relation's name, column names and column types (declared type and base type)."""

    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    bases: tuple[str, ...]
    span: Span | None = attrs.field(eq=False, default=None)
    declared: bool = True
    choice: tuple[tuple[int, ...], ...] = ()  # `choice-domain`s: groups of columns, one tuple per value
    # the program's record and ADT types, to read and check the values of such columns
    records: RecordTypes | None = attrs.field(eq=False, repr=False, default=None)
    eqrel: bool = False  # an equivalence relation (`reasoner.eqrel`)

    @property
    def arity(self) -> int:
        return len(self.columns)

    def signature(self) -> str:
        cols = ", ".join(f"{c}: {t}" for c, t in zip(self.columns, self.types))
        return f"{self.name}({cols})"


@attrs.frozen
class Program:
    declarations: tuple[ast.Declaration, ...] = ()
    type_declarations: tuple[ast.TypeDeclaration, ...] = ()
    clauses: tuple[ast.Clause, ...] = ()
    directives: tuple[ast.IODirective, ...] = ()
    queries: tuple[ast.Query, ...] = ()
    pragmas: tuple[ast.Pragma, ...] = ()
    functor_declarations: tuple[ast.FunctorDeclaration, ...] = ()
    subsumptions: tuple[ast.Subsumption, ...] = ()
    # the engine's Python callables for user-defined functors, and the functors bound to them
    bindings: Bindings = attrs.field(factory=Bindings, eq=False)
    user_functors: Mapping[str, UserFunctor] = attrs.field(factory=dict, eq=False)

    def extend(self, statements: list[ast.Statement]) -> Program:
        if not statements:
            return self
        decls, types, clauses, directives, queries, pragmas = [], [], [], [], [], []
        functors: list[ast.FunctorDeclaration] = []
        subsumptions: list[ast.Subsumption] = []
        for statement in statements:
            if isinstance(statement, ast.Declaration):
                decls.append(statement)
            elif isinstance(statement, ast.TypeDeclaration):
                types.append(statement)
            elif isinstance(statement, ast.Clause):
                clauses.append(statement)
            elif isinstance(statement, ast.IODirective):
                directives.append(statement)
            elif isinstance(statement, ast.Query):
                queries.append(statement)
            elif isinstance(statement, ast.Pragma):
                pragmas.append(statement)
            elif isinstance(statement, ast.FunctorDeclaration):
                functors.append(statement)
            elif isinstance(statement, ast.Subsumption):
                subsumptions.append(statement)
        program = Program(
            self.declarations + tuple(decls),
            self.type_declarations + tuple(types),
            self.clauses + tuple(clauses),
            self.directives + tuple(directives),
            self.queries + tuple(queries),
            self.pragmas + tuple(pragmas),
            self.functor_declarations + tuple(functors),
            self.subsumptions + tuple(subsumptions),
            self.bindings,
            self.user_functors,
        )
        if functors or types or any(applies_user_functor(c) for c in clauses):
            program = program.bind_user_functors(rebind=bool(functors or types))
        return program

    def bind_user_functors(self, rebind: bool) -> Program:
        """Every application `@f(...)` bound to the declared functor `f` and its callable
        (`reasoner.user_functors`); `rebind`: the declarations changed, so bind afresh."""
        from reasoner.analysis.schema import resolve_types

        functors = self.user_functors
        if rebind:
            bases, _ = resolve_types(self)  # its problems are reported by the analysis
            functors = bind(self.functor_declarations, bases, self.bindings)
        clauses = tuple(bind_clause(c, functors) if applies_user_functor(c) else c for c in self.clauses)
        queries = tuple(
            attrs.evolve(q, bodies=tuple(tuple(bind_literal(lit, functors) for lit in body) for body in q.bodies))
            if "@" in str(q) else q for q in self.queries)
        return attrs.evolve(self, clauses=clauses, queries=queries, user_functors=functors)

    @property
    def rules(self) -> tuple[ast.Clause, ...]:
        """Clauses with a body, and those whose head aggregates over relations (`q(count :
        p(_)).` reads `p`, so it is evaluated, and stratified, as a rule)."""
        return tuple(c for c in self.clauses if not _is_fact(c))

    @property
    def facts(self) -> tuple[ast.Clause, ...]:
        return tuple(c for c in self.clauses if _is_fact(c))


def _is_fact(clause: ast.Clause) -> bool:
    return not clause.body and not any(ast.aggregates_in(arg) for arg in clause.head.args)
