"""Terms and conditions of the rule language as sqlglot expressions.

A `Scope` maps each bound variable to the SQL expression holding its value (a column of a
table alias, or a computed expression) and knows each variable's base type. Values are stored
as the backend's types (`backend.COLUMN_TYPES`): symbols as text, numbers as 64-bit integers,
floats as doubles, dates as dates. Functors are written from their entry's `sql` form in the
functor table (`reasoner.functors`), a template in DuckDB's dialect that sqlglot reads once and
every backend writes out in its own dialect. A functor the SQL backends cannot compute as the
Python engine does raises `Unexpressible` (a load-time diagnostic names it and the backend).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from reasoner import ast
from reasoner.functors import FUNCTORS, PatternCache, Unsupported, compile_pattern
from reasoner.plan.expressions import expression_type
from reasoner.sql.backend import COLUMN_TYPES, PATTERN_CHECK
from reasoner.source import Span


class Unexpressible(Exception):
    """A construct the SQL backends cannot compute exactly as the Python engine does."""

    def __init__(self, construct: str, reason: str, span: Span | None):
        super().__init__(f"{construct}: {reason}")
        self.construct = construct
        self.reason = reason
        self.span = span


def sql_type(base: str | None) -> exp.DataType:
    return exp.DataType.build(COLUMN_TYPES.get(base or "symbol", "VARCHAR"))


def constant(value: object, kind: str | None) -> exp.Expr:
    """A typed literal: integers as BIGINT (so that arithmetic on literals is 64-bit too)."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, int) and kind != "float":
        return exp.cast(exp.Literal.number(value), exp.DataType.build("BIGINT"))
    if isinstance(value, (int, float)):
        number = float(value)
        text = repr(number) if math.isfinite(number) else ("nan" if number != number else
                                                           ("inf" if number > 0 else "-inf"))
        return exp.cast(exp.Literal.string(text), exp.DataType.build("DOUBLE"))
    if isinstance(value, datetime.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    raise TypeError(f"no SQL literal for {value!r}")


@functools.cache
def _template(text: str, arity: int) -> exp.Expr:
    """A functor's template read by sqlglot, with columns `__0`, `__1`... for its arguments."""
    names = [f"__{i}" for i in range(arity)]
    filled = text.replace("{args}", ", ".join("{%d}" % i for i in range(arity)))
    for i, name in enumerate(names):
        filled = filled.replace("{%d}" % i, name)
    return sqlglot.parse_one(filled, read="duckdb")


def _fill(template: exp.Expr, args: Sequence[exp.Expr]) -> exp.Expr:
    """`template` with `args` written in place of its columns `__0`, `__1`... (each use a copy)."""
    return _substitute(template.copy(), lambda name: args[int(name[2:])].copy())


def _apply(template: exp.Expr, args: Sequence[exp.Expr]) -> exp.Expr:
    """A functor's `template` applied to `args`, as an expression. A constant argument is put in first and the tests
    it decides are folded away (`substr(S, 0, 7)`: no range test is left); then an argument the
    template still uses more than once is computed once when it is costly (an application of a
    functor that can fail, with its CASE and its error), bound to a lambda parameter:
    `list_transform([arg], lambda p: ...)[1]`. A cheap one (a column, a cast, `concat`) is written
    in each place: DuckDB's common-subexpression elimination computes it once, which it does not do
    for an expression holding an `ERROR` call, and its copies keep the statement short."""
    constants = {f"__{i}": arg for i, arg in enumerate(args) if _is_constant(arg)}
    body = _fold(_substitute(template.copy(), lambda name: constants[name].copy() if name in constants else None))
    uses: dict[str, int] = {}
    for column in body.find_all(exp.Column):
        if not column.table and column.name.startswith("__"):
            uses[column.name] = uses.get(column.name, 0) + 1
    taken = {parameter.name for node in (body, *args) for function in node.find_all(exp.Lambda)
             for parameter in function.expressions}
    bound: dict[str, str] = {}
    for name, count in uses.items():
        if count > 1 and _costly(args[int(name[2:])]):
            bound[name] = _parameter(taken)

    def value(name: str) -> exp.Expr:
        return exp.to_identifier(bound[name]) if name in bound else args[int(name[2:])].copy()

    filled = _substitute(body, value)
    for name, parameter in bound.items():
        binding = _BINDING.copy()
        listed, function = binding.find(exp.Array), binding.find(exp.Lambda)
        assert listed is not None and function is not None
        listed.set("expressions", [args[int(name[2:])].copy()])
        function.set("this", filled)
        function.set("expressions", [exp.to_identifier(parameter)])
        filled = binding
    return filled


_BINDING = sqlglot.parse_one("list_transform([__0], lambda p: p)[1]", read="duckdb")


def _parameter(taken: set[str]) -> str:
    """A lambda parameter name that no lambda in the expression being built uses (so that
    none hides another), added to `taken`: the same SQL for the same rule in every process."""
    parameter = next(f"bound_{i}" for i in itertools.count() if f"bound_{i}" not in taken)
    taken.add(parameter)
    return parameter


def _substitute(template: exp.Expr, value: Callable[[str], exp.Expr | None]) -> exp.Expr:
    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table and node.name.startswith("__"):
            found = value(node.name)
            return node if found is None else found
        return node

    return template.transform(replace, copy=False)


def _is_constant(node: exp.Expr) -> bool:
    return _number(node) is not None or (isinstance(node, exp.Literal) and node.is_string)


def _number(node: exp.Expr) -> int | float | None:
    """The value of an integer literal (as `constant` writes it: a cast to BIGINT), else None."""
    while isinstance(node, (exp.Paren, exp.Cast)) and not isinstance(node, exp.TryCast):
        if isinstance(node, exp.Cast) and not node.to.is_type("bigint", "int", "integer"):
            return None
        node = node.this
    if isinstance(node, exp.Neg):
        inner = _number(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.this)
        except ValueError:
            return None
    return None


_DECIDED: dict[type, Callable[[Any, Any], bool]] = {exp.LT: lambda a, b: a < b, exp.LTE: lambda a, b: a <= b, exp.GT: lambda a, b: a > b,
            exp.GTE: lambda a, b: a >= b, exp.EQ: lambda a, b: a == b, exp.NEQ: lambda a, b: a != b}


def _truth(node: exp.Expr) -> bool | None:
    while isinstance(node, exp.Paren):
        node = node.this
    return node.this if isinstance(node, exp.Boolean) else None


def _fold(node: exp.Expr) -> exp.Expr:
    """`node` with the comparisons of integer literals, and the AND, OR, NOT and CASE they decide,
    replaced by their outcome (bottom-up)."""
    for key, child in list(node.args.items()):
        if isinstance(child, exp.Expr):
            node.set(key, _fold(child))
        elif isinstance(child, list):
            node.set(key, [_fold(c) if isinstance(c, exp.Expr) else c for c in child])
    if type(node) in _DECIDED:
        a, b = _number(node.this), _number(node.expression)
        if a is not None and b is not None:
            return exp.Boolean(this=_DECIDED[type(node)](a, b))
    elif isinstance(node, (exp.And, exp.Or)):
        left, right = _truth(node.this), _truth(node.expression)
        absorbing = isinstance(node, exp.Or)  # TRUE decides an OR, FALSE an AND
        if left is absorbing or right is absorbing:
            return exp.Boolean(this=absorbing)
        if left is not None:
            return node.expression
        if right is not None:
            return node.this
    elif isinstance(node, exp.Not) and _truth(node.this) is not None:
        return exp.Boolean(this=not _truth(node.this))
    elif isinstance(node, exp.Paren) and _truth(node.this) is not None:
        return node.this
    elif isinstance(node, exp.Case) and not node.this:
        branches = [branch for branch in node.args.get("ifs") or [] if _truth(branch.this) is not False]
        if branches and _truth(branches[0].this) is True:
            return branches[0].args["true"]
        if not branches and node.args.get("default") is not None:
            return node.args["default"]
        node.set("ifs", branches)
    return node


def _costly(node: exp.Expr) -> bool:
    """Whether `node` holds a functor application with branches (a CASE: a test and an error),
    or a binding: worth a lambda rather than a second copy."""
    return any(isinstance(n, (exp.Case, exp.Lambda)) for n in node.walk())


class Scope:
    """The variables bound so far in one SELECT (and its enclosing ones), as SQL."""

    def __init__(self, types: dict[str, str], values: dict[str, exp.Expr] | None = None):
        self.types = types
        self.values: dict[str, exp.Expr] = dict(values or {})

    def inner(self) -> Scope:
        """A scope for a subquery: it sees every variable bound here."""
        return Scope(self.types, self.values)

    def bound(self, name: str) -> bool:
        return name in self.values

    def term(self, term: ast.Term) -> exp.Expr:
        if isinstance(term, ast.Var):
            return self.values[term.name].copy()
        if isinstance(term, ast.Const):
            return constant(term.value, term.kind)
        if isinstance(term, ast.Call):
            return self.call(term)
        raise Unexpressible(str(term), "this term has no SQL form here", getattr(term, "span", None))

    def type_of(self, term: ast.Term) -> str | None:
        return expression_type(term, self.types)

    def call(self, term: ast.Call) -> exp.Expr:
        functor = FUNCTORS.get(term.op)
        if functor is None:  # a user-defined functor (`@f(X)`): Python code
            raise Unexpressible(f"the functor {term.op}", "it is computed by Python code", term.span)
        arg_types = [self.type_of(a) for a in term.args]
        result = self.type_of(term)
        form = functor.sql
        if callable(form):
            form = form(arg_types, result)
        if form is None or isinstance(form, Unsupported):
            reason = form.reason if isinstance(form, Unsupported) else "it has no SQL form"
            name = term.op if functor.named else f"`{term.op}`"
            raise Unexpressible(f"the functor {name}", reason, term.span)
        args = [self.term(a) for a in term.args]
        return exp.paren(_apply(_template(form, len(args)), args), copy=False)

    def condition(self, literal: ast.Comparison | ast.Test | ast.Truth) -> exp.Expr:
        if isinstance(literal, ast.Truth):
            return exp.true() if literal.value else exp.false()
        if isinstance(literal, ast.Test):
            if literal.op == "match" and _invalid_pattern(literal.args[0]):
                return exp.false()  # as in the Python engine: neither match nor !match holds
            pattern_or_sub, text = (self.term(a) for a in literal.args)
            if literal.op == "contains":
                test: exp.Expr = exp.func("strpos", text, pattern_or_sub, copy=False) > 0
            else:
                test = exp.func("regexp_full_match", text, pattern_or_sub, copy=False)
                if not isinstance(literal.args[0], ast.Const):
                    # a pattern computed while the rule runs: NULL (neither match nor !match)
                    # for one the Python engine calls invalid (`DuckDBBackend`'s check)
                    check = exp.Anonymous(this=PATTERN_CHECK, expressions=[pattern_or_sub.copy()])
                    test = exp.Case(ifs=[exp.If(this=check, true=test)])
            return exp.not_(test) if literal.negated else test
        left, right = self.term(literal.left), self.term(literal.right)
        test = comparison(literal.op, left, right)
        if self.type_of(literal.left) == "float" or self.type_of(literal.right) == "float":
            # IEEE comparisons, as Python's: NaN is unequal to everything (SQL engines order it last)
            nan = exp.or_(exp.func("isnan", left.copy(), copy=False), exp.func("isnan", right.copy(), copy=False))
            return exp.or_(test, nan) if literal.op == "!=" else exp.and_(test, exp.not_(nan))
        return test


def _invalid_pattern(pattern: ast.Term) -> bool:
    """Whether `pattern` is a pattern written in the rules that the Python engine calls invalid
    (`reasoner.functors.compile_pattern`, Soufflé's reading: `fo{x}` is an error there, a
    literal brace to RE2, which DuckDB uses; an RE2 error would stop DuckDB's evaluation)."""
    if not (isinstance(pattern, ast.Const) and isinstance(pattern.value, str)):
        return False
    return compile_pattern(pattern.value, PatternCache()) is None


_COMPARE = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}


def comparison(op: str, left: exp.Expr, right: exp.Expr) -> exp.Expr:
    return _COMPARE[op](this=left, expression=right)
