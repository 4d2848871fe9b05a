"""One rule body, as planned by `reasoner.plan` (the scheduled steps of `plan/ir.py`, with
aggregates hoisted into steps of their own), as one SQL SELECT.

Every atom the plan scans becomes a table of the FROM list under an alias of its own (`t0`,
`t1`...); its arguments become conditions (a constant, an expression, a variable bound before)
or bind their variables to its columns. `Assign` binds a variable to an expression; `Filter` is
a condition; `Negation` is `NOT EXISTS (SELECT 1 FROM ... WHERE ...)`; `Aggregate` is a
`LATERAL` subquery over the aggregate's own steps (correlated with the variables bound before
it), whose value is NULL where Soufflé gives no value (`min`, `max`, `mean` over no match):
the rule then does not fire. `Emit` is the select list, `c0, c1, ...` (the columns of every
relation's table). The DISTINCT, the UNION of a relation's rules and the EXCEPT of what is
known are added by the caller (`strata.py`).

`alternatives` (clauses of one head merged by `disjunctions.py`) are the filters each clause
adds to the planned shared steps: the SELECT's rows are those where any alternative's filters
all hold, one `OR` in its WHERE instead of a SELECT per clause.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from sqlglot import exp

from reasoner import ast
from reasoner.plan.ir import (Aggregate, Assign, DeltaScan, Emit, Filter, Generate, IndexProbe, Lookup,
                              Negation, RangeScan, Scan, Step, mentions)
from reasoner.sql.backend import column_names
from reasoner.sql.expressions import Scope, Unexpressible, _fill, _template, constant, sql_type
from reasoner.types import UNSIGNED_MAX

TableOf = Callable[[str], exp.Table]  # relation name -> the table to read


class Unbound(Exception):
    """A filter of an alternative reads a variable the shared steps do not bind."""


class _Select:
    """The FROM list, the conditions and the scope of one SELECT being built."""

    def __init__(self, scope: Scope, aliases: itertools.count):
        self.scope = scope
        self.aliases = aliases
        self.sources: list[exp.Expr] = []
        self.conditions: list[exp.Expr] = []
        self.outer: dict[int, exp.Expr] = {}  # source index -> its LEFT JOIN's ON condition
        self.group: list[exp.Expr] = []  # GROUP BY

    def alias(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self.aliases)}"

    def build(self, projections: Sequence[exp.Expr], distinct: bool = False) -> exp.Select:
        select = exp.Select(expressions=list(projections) or [exp.Literal.number(1)])
        if distinct:
            select.set("distinct", exp.Distinct())
        if self.sources:
            select.set("from_" if "from_" in exp.Select.arg_types else "from", exp.From(this=self.sources[0]))
            # with a LEFT JOIN among them, the others are CROSS JOINs: its ON may read any before it
            kind = "CROSS" if self.outer else None
            select.set("joins", [exp.Join(this=source, side="LEFT", on=self.outer[i]) if i in self.outer
                                 else exp.Join(this=source, kind=kind)
                                 for i, source in enumerate(self.sources) if i])
        if self.conditions:
            select.set("where", exp.Where(this=exp.and_(*self.conditions, copy=False)))
        if self.group:
            select.set("group", exp.Group(expressions=self.group))
        return select


def rule_select(steps: Sequence[Step], types: dict[str, str], table: TableOf, delta: TableOf | None = None,
                head_types: Sequence[str] | None = None, outer: Scope | None = None,
                aliases: itertools.count | None = None,
                alternatives: Sequence[Sequence[ast.Literal]] = (),
                sources: dict[int, exp.Expr] | None = None) -> exp.Select:
    """The SELECT of a planned body ending in `Emit`: its rows are the head's tuples, in
    columns `c0, c1...` cast to `head_types` (base types). `delta` names the table a
    `DeltaScan` reads. With `alternatives` (lists of filters: comparisons, tests, negated
    atoms over variables the steps bind), a row must pass every filter of one of them.
    `sources` gives the step at an index a query to scan instead of its relation's table."""
    scope = outer.inner() if outer is not None else Scope(types)
    query = _Select(scope, aliases if aliases is not None else itertools.count())
    projections: list[exp.Expr] = []
    for index, step in enumerate(steps):
        if isinstance(step, Emit):
            if alternatives:
                either = _either(alternatives, query, table)
                if either is not None:
                    query.conditions.append(either)
            for i, term in enumerate(step.terms):
                value = scope.term(term)
                want = head_types[i] if head_types is not None else None
                if want is not None and scope.type_of(term) != want:
                    value = exp.cast(value, sql_type(want), copy=False)
                projections.append(exp.alias_(value, f"c{i}", copy=False))
            if not step.terms:  # a nullary head: its table's one column (`backend.NULLARY_TYPE`)
                projections.append(exp.alias_(exp.true(), "c0", copy=False))
        else:
            _step(step, query, table, delta, (sources or {}).get(index))
    return query.build(projections)


def _step(step: Step, query: _Select, table: TableOf, delta: TableOf | None, given: exp.Expr | None = None) -> None:
    scope = query.scope
    if isinstance(step, (DeltaScan, Scan, IndexProbe, Lookup, RangeScan)):
        atom = step.atom
        source: exp.Expr = (delta(atom.relation) if isinstance(step, DeltaScan) and delta is not None
                            else table(atom.relation))
        if given is not None:
            source = given
        alias = query.alias()
        query.sources.append(exp.alias_(source, alias, table=True, copy=False))
        for column, arg in zip(column_names(len(atom.args)), atom.args):
            value = exp.column(column, alias)
            if isinstance(arg, ast.Wildcard):
                continue
            if isinstance(arg, ast.Var) and not scope.bound(arg.name):
                scope.values[arg.name] = value
                continue
            query.conditions.append(exp.EQ(this=value, expression=scope.term(arg)))
        if isinstance(step, RangeScan):  # the bounds are filters of the scheduled plan too
            for bound in step.bounds:
                query.conditions.append(_bound(bound.op, exp.column(f"c{step.column}", alias), scope.term(bound.term)))
    elif isinstance(step, Assign):
        scope.values[step.var.name] = scope.term(step.term)
    elif isinstance(step, Filter):
        query.conditions.append(scope.condition(step.literal))
    elif isinstance(step, Negation):
        query.conditions.append(exp.not_(exp.Exists(this=_exists(step.literal.atom, query, table))))
    elif isinstance(step, Aggregate):
        _aggregate(step, query, table, delta)
    elif isinstance(step, Generate):
        _generate(step, query)
    else:
        raise Unexpressible(step.describe(), "this kind of step has no SQL form yet", None)


def _either(alternatives: Sequence[Sequence[ast.Literal]], query: _Select, table: TableOf) -> exp.Expr | None:
    """The OR of the alternatives' filters (None when one alternative has none: always true)."""
    options = []
    for literals in alternatives:
        unbound = [name for literal in literals for name in ast.literal_variables(literal)
                   if not query.scope.bound(name)]
        if unbound:
            raise Unbound(unbound[0])
        conditions = [_filter(literal, query, table) for literal in literals]
        if not conditions:
            return None
        options.append(exp.and_(*conditions, copy=False))
    return exp.or_(*options, copy=False)


def _filter(literal: ast.Literal, query: _Select, table: TableOf) -> exp.Expr:
    if isinstance(literal, ast.Negation):
        return exp.not_(exp.Exists(this=_exists(literal.atom, query, table)))
    if isinstance(literal, (ast.Comparison, ast.Test, ast.Truth)):
        return query.scope.condition(literal)
    raise Unbound(str(literal))  # an atom binds variables: not a filter


def _bound(op: str, column: exp.Expr, value: exp.Expr) -> exp.Expr:
    from reasoner.sql.expressions import comparison

    return comparison(op, column, value)


def _exists(atom: ast.Atom, query: _Select, table: TableOf) -> exp.Select:
    """`SELECT 1 FROM relation WHERE` its columns equal the negated atom's bound arguments."""
    alias = query.alias("n")
    inner = _Select(query.scope.inner(), query.aliases)
    inner.sources.append(exp.alias_(table(atom.relation), alias, table=True, copy=False))
    for column, arg in zip(column_names(len(atom.args)), atom.args):
        if isinstance(arg, ast.Wildcard):
            continue
        inner.conditions.append(exp.EQ(this=exp.column(column, alias), expression=inner.scope.term(arg)))
    return inner.build([])


def _aggregate(step: Aggregate, query: _Select, table: TableOf, delta: TableOf | None) -> None:
    """The aggregate as `LATERAL (SELECT op(target) AS v FROM its body) AS aN`; `step.result`
    reads `aN.v`. Sum and mean over a body Soufflé materialises count each distinct binding of
    the body's own variables once (`step.distinct`): their rows are made distinct first.
    An aggregate whose body reads the variables bound outside only where its own atoms can bind
    them is `_grouped` instead."""
    if _grouped(step, query, table, delta):
        return
    inner = _Select(query.scope.inner(), query.aliases)
    for inner_step in step.steps:
        _step(inner_step, inner, table, delta)
    scope = inner.scope
    target = scope.term(step.target) if step.target is not None else None
    if step.distinct is not None:
        values = [exp.alias_(scope.values[name].copy(), f"v{i}") for i, name in enumerate(step.distinct)]
        if target is not None:
            values.append(exp.alias_(target, "target", copy=False))
        rows = inner.build(values, distinct=True)
        inner = _Select(query.scope.inner(), query.aliases)
        rows_alias = inner.alias("m")
        inner.sources.append(exp.alias_(exp.Subquery(this=rows), rows_alias, table=True, copy=False))
        target = exp.column("target", rows_alias) if target is not None else None
    value = _aggregate_value(step, target)
    alias = query.alias("a")
    lateral = exp.Lateral(this=exp.Subquery(this=inner.build([exp.alias_(value, "v", copy=False)])),
                          alias=exp.TableAlias(this=exp.to_identifier(alias)))
    query.sources.append(lateral)
    result = exp.column("v", alias)
    query.scope.values[step.result] = result
    if step.type is not None:
        query.scope.types = {**query.scope.types, step.result: step.type}
    if step.op in ("min", "max", "mean"):
        query.conditions.append(exp.Not(this=exp.Is(this=result.copy(), expression=exp.null())))


def _grouped(step: Aggregate, query: _Select, table: TableOf, delta: TableOf | None) -> bool:
    """The aggregate over its body grouped by the variables it shares with the rule (`(SELECT
    k0, ..., op(target) AS v FROM its body GROUP BY k0, ...) AS aN`), joined to the rule on
    them: one pass over the body for all the rule's rows, where the `LATERAL` subquery is one
    per row (DuckDB decorrelates it, but at several times the cost). An inner join for `min`,
    `max` and `mean` (no group: no value, the rule does not fire); a LEFT JOIN for `count`
    and `sum`, whose value over no match is 0. False (nothing added) where the body reads a
    shared variable that its own atoms do not bind (`X < Y` with X bound only outside)."""
    outside = query.scope.values
    shared = sorted(name for name in mentions(step) if name in outside)
    if not shared or not query.sources or not _binds_before_use(step):
        return False
    inner = _Select(Scope(query.scope.types), query.aliases)
    for inner_step in step.steps:
        _step(inner_step, inner, table, delta)
    scope = inner.scope
    if not all(scope.bound(name) for name in shared):
        return False
    keys = [scope.values[name] for name in shared]
    target = scope.term(step.target) if step.target is not None else None
    if step.distinct is not None:
        values = [exp.alias_(key.copy(), f"k{i}") for i, key in enumerate(keys)]
        values += [exp.alias_(scope.values[name].copy(), f"v{i}") for i, name in enumerate(step.distinct)]
        if target is not None:
            values.append(exp.alias_(target, "target", copy=False))
        rows = inner.build(values, distinct=True)
        inner = _Select(Scope(query.scope.types), query.aliases)
        rows_alias = inner.alias("m")
        inner.sources.append(exp.alias_(exp.Subquery(this=rows), rows_alias, table=True, copy=False))
        keys = [exp.column(f"k{i}", rows_alias) for i in range(len(shared))]
        target = exp.column("target", rows_alias) if target is not None else None
    inner.group = [key.copy() for key in keys]
    grouped = inner.build([*(exp.alias_(key, f"k{i}", copy=False) for i, key in enumerate(keys)),
                           exp.alias_(_aggregate_value(step, target), "v", copy=False)])
    alias = query.alias("a")
    on = [exp.EQ(this=exp.column(f"k{i}", alias), expression=outside[name].copy()) for i, name in enumerate(shared)]
    query.sources.append(exp.alias_(exp.Subquery(this=grouped), alias, table=True, copy=False))
    result: exp.Expr = exp.column("v", alias)
    if step.op in ("count", "sum"):
        query.outer[len(query.sources) - 1] = exp.and_(*on, copy=False)
        zero = exp.DataType.build("DOUBLE" if step.op == "sum" and step.target_type == "float" else "BIGINT")
        result = exp.func("coalesce", result, exp.cast(exp.Literal.number(0), zero))
    else:
        query.conditions += on
    query.scope.values[step.result] = result
    if step.type is not None:
        query.scope.types = {**query.scope.types, step.result: step.type}
    return True


def _binds_before_use(step: Aggregate) -> bool:
    """Whether, taken alone, the aggregate's steps bind each variable (by an atom or an
    assignment) before they read it: scans, assignments, filters and negations only."""
    bound: set[str] = set()

    def known(term: ast.Term) -> bool:
        return set(ast.term_variables(term)) <= bound

    for inner in step.steps:
        if isinstance(inner, (Scan, IndexProbe, Lookup, RangeScan)):
            for arg in inner.atom.args:
                if isinstance(arg, ast.Var):
                    bound.add(arg.name)
                elif not isinstance(arg, ast.Wildcard) and not known(arg):
                    return False
            if isinstance(inner, RangeScan) and not all(known(b.term) for b in inner.bounds):
                return False
        elif isinstance(inner, Assign):
            if not known(inner.term):
                return False
            bound.add(inner.var.name)
        elif isinstance(inner, (Filter, Negation)):
            if not set(ast.literal_variables(inner.literal)) <= bound:
                return False
        else:
            return False
    return step.target is None or known(step.target)


def _aggregate_value(step: Aggregate, target: exp.Expr | None) -> exp.Expr:
    op = step.op
    if op == "count":
        return exp.cast(exp.Count(this=exp.Star()), exp.DataType.build("BIGINT"))
    assert target is not None
    if op == "sum":
        if step.target_type == "float":
            return exp.func("coalesce", exp.func("fsum", target), exp.cast(exp.Literal.number(0), exp.DataType.build("DOUBLE")))
        total: exp.Expr = exp.func("coalesce", exp.func("sum", target), exp.Literal.number(0))
        if step.target_type == "unsigned":  # wraps around Soufflé's 32-bit word, as in the Python engine
            word = exp.Literal.number(UNSIGNED_MAX + 1)
            total = exp.Mod(this=exp.paren(exp.Mod(this=total, expression=word) + word.copy()), expression=word.copy())
        return exp.cast(total, exp.DataType.build("BIGINT"))
    if op == "mean":
        count = exp.Count(this=exp.Star())
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=count, expression=exp.Literal.number(0)), true=exp.null())],
                        default=exp.Div(this=exp.func("fsum", exp.cast(target, exp.DataType.build("DOUBLE"))),
                                        expression=count.copy()))
    if op in ("min", "max"):
        return exp.func(op, target)
    raise Unexpressible(f"the aggregate {op}", "it has no SQL form", step.source.span)


# `range(a, b, s)` as Soufflé (and `reasoner.bitwise.range_values`) computes it: the values
# a + i * s for i = 0, 1, ... while they are short of b (s = 0: a alone; a = b: none), the index
# bound taken one past the quotient so that rounding never leaves a value out.
_RANGE = ("SELECT ({0} + g.i * {2}) AS v FROM (SELECT unnest(range(0, CAST(CASE WHEN {0} = {1} THEN 0 "
          "WHEN {2} = 0 THEN 1 ELSE greatest(0, ceil(({1} - {0}) / {2}) + 1) END AS BIGINT))) AS i) AS g "
          "WHERE {0} <> {1} AND ({2} = 0 AND g.i = 0 OR {2} > 0 AND {0} + g.i * {2} < {1} "
          "OR {2} < 0 AND {0} + g.i * {2} > {1})")


def _generate(step: Generate, query: _Select) -> None:
    """`X = range(...)` as a LATERAL subquery of the values; a bound X must be one of them."""
    scope = query.scope
    args = [scope.term(a) for a in step.term.args]
    if len(args) == 2:
        kind = scope.type_of(step.term)
        one = constant(1, kind)
        args.append(exp.Case(ifs=[exp.If(this=exp.LT(this=args[0].copy(), expression=args[1].copy()), true=one)],
                             default=exp.Neg(this=one.copy())))
    values = _fill(_template(_RANGE, 3), args)
    alias = query.alias("g")
    query.sources.append(exp.Lateral(this=exp.Subquery(this=values), alias=exp.TableAlias(this=exp.to_identifier(alias))))
    value = exp.column("v", alias)
    if step.known:
        query.conditions.append(exp.EQ(this=scope.values[step.var.name].copy(), expression=value))
    else:
        scope.values[step.var.name] = value
