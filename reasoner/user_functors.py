"""User-defined functors: `.functor f(x: number): number` in rule text, applied as `@f(X)`,
computed by a Python callable the embedding program gives the engine
(`Engine(functors={"f": f})`).

The engine's callables travel with its `Program` (`Bindings`); when clauses are added, each
application `@f(...)` is bound to a `UserFunctor` (the declaration, resolved to base types, and
the callable), which the checker types and the generated code calls. A functor declared
without a callable, an application of an undeclared one, or one with the wrong number of
arguments is a diagnostic at load time; a callable that raises, or returns a value of the
wrong type, stops the evaluation with a diagnostic naming the functor, at the application.

A functor declared `stateful` may answer differently for the same arguments (a counter, a
lookup in changing state), so it is called every time; any other is called once per distinct
arguments (its answers are remembered, up to `MEMO_LIMIT` of them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.functors import FunctorError
from reasoner.types import BASE_TYPES

MEMO_LIMIT = 100_000


class UserFunctorError(FunctorError):
    """A user functor raised, or returned a value that does not fit its declared type."""


@attrs.frozen(eq=False)
class Bindings:
    """The Python callables an engine was given, by functor name (without the `@`)."""

    callables: Mapping[str, Callable[..., Any]] = attrs.field(factory=dict)

    @classmethod
    def of(cls, functors: Mapping[str, Callable[..., Any]] | None) -> Bindings:
        if functors is None:
            return cls()
        for name, function in functors.items():
            if not callable(function):
                raise TypeError(f"functors[{name!r}] is not callable")
        return cls(dict(functors))


@attrs.frozen(eq=False)
class UserFunctor:
    """One declared functor bound to its callable (None: the engine has none)."""

    declaration: ast.FunctorDeclaration
    params: tuple[str, ...]  # base types
    result: str
    function: Callable[..., Any] | None
    memo: dict[tuple[object, ...], object] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return self.declaration.name

    def __call__(self, *args: object) -> object:
        """Called from generated code with the argument values and, last, the span of the
        application (for the error)."""
        *values, where = args
        key = tuple(values)
        if not self.declaration.stateful and key in self.memo:
            return self.memo[key]
        assert self.function is not None  # checked at load time
        try:
            value = self.function(*values)
        except Exception as exc:  # the user's code: any failure is theirs to read
            raise UserFunctorError(f"the functor `@{self.name}` raised {type(exc).__name__}: {exc}",
                                   where) from None
        value = _checked(value, self.result, self.name, where)
        if not self.declaration.stateful:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = value
        return value


def _checked(value: object, base: str, name: str, where: object) -> object:
    if base in ("number", "unsigned") and isinstance(value, int) and not isinstance(value, bool):
        if base == "unsigned" and value < 0:
            raise UserFunctorError(f"the functor `@{name}` returned {value}, a negative unsigned", where)
        return value
    if base == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if base == "symbol" and isinstance(value, str):
        return value
    raise UserFunctorError(f"the functor `@{name}` returned {value!r}, not {_a(base)}", where)


def _a(base: str) -> str:
    return ("an " if base[0] in "aeiou" else "a ") + base


def bind(declarations: tuple[ast.FunctorDeclaration, ...], bases: Mapping[str, str],
         bindings: Bindings) -> dict[str, UserFunctor]:
    """Each declared functor (the first declaration of a name) with its callable."""
    bound: dict[str, UserFunctor] = {}
    for declaration in declarations:
        if declaration.name in bound:
            continue
        bound[declaration.name] = UserFunctor(
            declaration, tuple(bases.get(t, t) for t in declaration.params),
            bases.get(declaration.result, declaration.result), bindings.callables.get(declaration.name))
    return bound


def bind_term(term: ast.Term, functors: Mapping[str, UserFunctor]) -> ast.Term:
    if isinstance(term, ast.Call):
        args = tuple(bind_term(a, functors) for a in term.args)
        function = functors.get(term.op[1:]) if term.op.startswith("@") else term.function
        return attrs.evolve(term, args=args, function=function)
    if isinstance(term, ast.Aggregate):
        target = bind_term(term.target, functors) if term.target is not None else None
        return attrs.evolve(term, target=target, body=tuple(bind_literal(b, functors) for b in term.body))
    return term


def bind_literal(literal: ast.Literal, functors: Mapping[str, UserFunctor]) -> ast.Literal:
    if isinstance(literal, ast.Atom):
        return attrs.evolve(literal, args=tuple(bind_term(a, functors) for a in literal.args))
    if isinstance(literal, ast.Negation):
        return attrs.evolve(literal, atom=attrs.evolve(
            literal.atom, args=tuple(bind_term(a, functors) for a in literal.atom.args)))
    if isinstance(literal, ast.Comparison):
        return attrs.evolve(literal, left=bind_term(literal.left, functors), right=bind_term(literal.right, functors))
    if isinstance(literal, ast.Test):
        return attrs.evolve(literal, args=tuple(bind_term(a, functors) for a in literal.args))
    return literal


def bind_clause(clause: ast.Clause, functors: Mapping[str, UserFunctor]) -> ast.Clause:
    head = bind_literal(clause.head, functors)
    assert isinstance(head, ast.Atom)
    return attrs.evolve(clause, head=head, body=tuple(bind_literal(b, functors) for b in clause.body))


def applies_user_functor(clause: ast.Clause) -> bool:
    return "@" in str(clause) and any(
        call.op.startswith("@") for call in _calls(clause))


def _calls(clause: ast.Clause):
    terms: list[object] = list(clause.head.args)
    for literal in clause.body:
        terms.extend(ast.literal_terms(literal))
    while terms:
        term = terms.pop()
        if isinstance(term, ast.Call):
            yield term
            terms.extend(term.args)
        elif isinstance(term, ast.Aggregate):
            if term.target is not None:
                terms.append(term.target)
            for literal in term.body:
                terms.extend(ast.literal_terms(literal))


def check(declarations: tuple[ast.FunctorDeclaration, ...], clauses: tuple[ast.Clause, ...],
          functors: Mapping[str, UserFunctor]) -> list[Diagnostic]:
    """The load-time problems: functors declared twice or with no callable, applications of
    undeclared functors or with the wrong number of arguments."""
    diagnostics: list[Diagnostic] = []
    seen: set[str] = set()
    for declaration in declarations:
        if declaration.name in seen:
            diagnostics.append(error(f"the functor `{declaration.name}` is declared twice", declaration.span))
            continue
        seen.add(declaration.name)
        bound = functors[declaration.name]
        for written, base in zip((*declaration.params, declaration.result), (*bound.params, bound.result)):
            if base not in BASE_TYPES:
                diagnostics.append(error(f"unknown type `{written}` in the declaration of `{declaration.name}`",
                                         declaration.span))
        if functors[declaration.name].function is None:
            diagnostics.append(error(
                f"the functor `{declaration.name}` is declared, but the engine has no Python callable for it",
                declaration.span, f"pass one when making the engine: Engine(functors={{\"{declaration.name}\": ...}})"))
    for clause in clauses:
        if not applies_user_functor(clause):
            continue
        for call in _calls(clause):
            if not call.op.startswith("@"):
                continue
            functor = functors.get(call.op[1:])
            if functor is None:
                diagnostics.append(error(f"unknown functor `{call.op}`", call.span,
                                         f"declare it: .functor {call.op[1:]}(x: number): number"))
            elif len(call.args) != len(functor.params):
                diagnostics.append(error(
                    f"`{call.op}` takes {len(functor.params)} argument{'s' if len(functor.params) != 1 else ''}, "
                    f"not {len(call.args)}", call.span))
    return diagnostics
