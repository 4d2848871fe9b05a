"""A program: the statements of every loaded text, assembled into relations and clauses.

`Program` is immutable; `Program.extend` returns a new program with more statements, so that
a load that fails can simply be dropped.
"""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.source import Span


@attrs.frozen
class RelationSchema:
    """A relation's name, column names and column types (declared type and base type)."""

    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    bases: tuple[str, ...]
    span: Span | None = attrs.field(eq=False, default=None)
    declared: bool = True

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

    def extend(self, statements: list[ast.Statement]) -> Program:
        if not statements:
            return self
        decls, types, clauses, directives, queries, pragmas = [], [], [], [], [], []
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
        return Program(
            self.declarations + tuple(decls),
            self.type_declarations + tuple(types),
            self.clauses + tuple(clauses),
            self.directives + tuple(directives),
            self.queries + tuple(queries),
            self.pragmas + tuple(pragmas),
        )

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
