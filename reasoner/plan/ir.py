"""The plan IR: the steps of one rule body, in the order the generated code runs them.

A plan is a list of steps. The loops (`DeltaScan`, `Scan`, `IndexProbe`, `RangeScan`) nest:
every step after a loop runs once per row it visits. `Lookup`, `Filter` and `Negation` go on
only if their condition holds; `Assign` binds a variable; `Generate` loops over the values of
`range(...)`; `Aggregate` computes a value over a
plan of its own; `Emit` adds the head's tuple. Every step prints itself on one line
(`describe()`), and `render` prints a plan indented by nesting:

    for path(X, Y) in delta
      probe edge(Y, Z) on (0)
        emit (X, Z)

`schedule` builds the first form (scans, assignments, filters, negations); the passes of
`reasoner.plan.PASSES` rewrite it (range scans, index probes, aggregates as steps); `codegen`
writes it out as Python.
"""

from __future__ import annotations

from typing import Union

import attrs

from reasoner import ast


def _columns(columns: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, columns)) + ")"


@attrs.frozen
class DeltaScan:
    """Every row of the delta (the rows the last round added to the atom's relation)."""

    atom: ast.Atom

    def describe(self) -> str:
        return f"for {self.atom} in delta"


@attrs.frozen
class Scan:
    """Every row of the atom's relation; the loop compares the columns already bound."""

    atom: ast.Atom

    def describe(self) -> str:
        return f"scan {self.atom}"


@attrs.frozen
class IndexProbe:
    """The rows of a hash index on `columns` (bound before the loop) whose key matches; the
    loop compares any other bound column."""

    atom: ast.Atom
    columns: tuple[int, ...]

    def describe(self) -> str:
        return f"probe {self.atom} on {_columns(self.columns)}"


@attrs.frozen
class Lookup:
    """Every column is bound, or wildcard: go on if some tuple of the relation matches."""

    atom: ast.Atom

    def describe(self) -> str:
        return f"if {self.atom} exists"


@attrs.frozen
class Bound:
    """`column op term` on the column a range scan reads; `may_fail`: computing `term` can
    raise an evaluation error (so it is computed only while rows remain)."""

    op: str
    term: ast.Term
    may_fail: bool

    def __str__(self) -> str:
        return f"{self.op} {self.term}"


@attrs.frozen
class RangeScan:
    """The rows whose `column` is within `bounds`, a slice of a sorted index on the bound
    columns and `column`."""

    atom: ast.Atom
    column: int
    bounds: tuple[Bound, ...]

    def describe(self) -> str:
        bounds = ", ".join(map(str, self.bounds))
        return f"range {self.atom} on column {self.column} {bounds}"


@attrs.frozen
class Assign:
    """`var = term`, with every variable of `term` bound."""

    var: ast.Var
    term: ast.Term

    def describe(self) -> str:
        return f"let {self.var} = {self.term}"


@attrs.frozen
class Generate:
    """`var = range(...)`: a loop over the values a generating functor gives, binding `var`;
    with `var` already bound (`known`), go on if it is one of them."""

    var: ast.Var
    term: ast.Call
    known: bool = False

    def describe(self) -> str:
        return f"if {self.var} in {self.term}" if self.known else f"for {self.var} in {self.term}"


@attrs.frozen
class Filter:
    """A comparison, a test (`contains`, `match`) or `true`/`false`: go on if it holds."""

    literal: ast.Comparison | ast.Test | ast.Truth

    def describe(self) -> str:
        return f"if {self.literal}"


@attrs.frozen
class Negation:
    """Go on if no tuple of the relation matches the bound columns."""

    literal: ast.Negation

    def describe(self) -> str:
        return f"if not {self.literal.atom}"


@attrs.frozen
class Aggregate:
    """`result = op target : { ... }` over the plan `steps`; `distinct`: the variables whose
    distinct bindings are counted once (sum and mean over a body Soufflé materialises), None
    to count every match. `type` is the result's base type, `target_type` the target's."""

    result: str
    op: str
    target: ast.Term | None
    steps: tuple[Step, ...]
    distinct: tuple[str, ...] | None
    type: str | None
    target_type: str | None
    source: ast.Aggregate = attrs.field(eq=False)

    def describe(self) -> str:
        target = f" {self.target}" if self.target is not None else ""
        once = f" (each distinct {', '.join(self.distinct)} once)" if self.distinct else ""
        return f"let {self.result} = {self.op}{target}{once} of"


@attrs.frozen
class Emit:
    """Add the tuple of `terms` to the head's relation (`head`, None for a goal)."""

    terms: tuple[ast.Term, ...]
    head: str | None = None

    def describe(self) -> str:
        return f"emit {self.head or ''}({', '.join(map(str, self.terms))})"


Step = Union[DeltaScan, Scan, IndexProbe, Lookup, RangeScan, Assign, Generate, Filter, Negation, Aggregate, Emit]
LOOPS = (DeltaScan, Scan, IndexProbe, RangeScan)


def is_loop(step: Step) -> bool:
    """Whether the steps after `step` run once per value it visits."""
    return isinstance(step, LOOPS) or isinstance(step, Generate) and not step.known


def step_atom(step: Step) -> ast.Atom | None:
    """The atom a step reads (a negated one included), None for the others."""
    if isinstance(step, (DeltaScan, Scan, IndexProbe, Lookup, RangeScan)):
        return step.atom
    if isinstance(step, Negation):
        return step.literal.atom
    return None


def binds(step: Step) -> list[str]:
    """The variables a step binds for the steps after it."""
    if isinstance(step, LOOPS):
        return ast.literal_variables(step.atom)
    if isinstance(step, (Assign, Generate)):
        return [step.var.name]
    if isinstance(step, Aggregate):
        return [step.result]
    return []


def step_terms(step: Step) -> tuple[ast.Term, ...]:
    """The terms a step computes, in the order the generated code computes them."""
    if isinstance(step, (DeltaScan, Scan, IndexProbe, Lookup)):
        return step.atom.args
    if isinstance(step, RangeScan):
        return step.atom.args + tuple(b.term for b in step.bounds)
    if isinstance(step, (Assign, Generate)):
        return (step.term,)
    if isinstance(step, (Filter, Negation)):
        return ast.literal_terms(step.literal)
    if isinstance(step, Emit):
        return step.terms
    return ()


def mentions(step: Step) -> set[str]:
    """Every variable a step names (those of an aggregate's body and target included)."""
    found: set[str] = set()
    stack: list[object] = list(step_terms(step))
    if isinstance(step, (Assign, Generate)):
        stack.append(step.var)
    if isinstance(step, Aggregate):
        found.add(step.result)
        stack += [step.source.target, *step.source.body]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Var):
            found.add(item.name)
        elif isinstance(item, (ast.Atom, ast.Call, ast.Test)):
            stack.extend(item.args)
        elif isinstance(item, ast.Negation):
            stack.append(item.atom)
        elif isinstance(item, ast.Comparison):
            stack += [item.left, item.right]
        elif isinstance(item, ast.Aggregate):
            stack += [item.target, *item.body]
    return found


def render(steps: tuple[Step, ...] | list[Step], indent: int = 0) -> list[str]:
    """One line per step, indented by two spaces per enclosing loop or aggregate."""
    lines = []
    for step in steps:
        lines.append("  " * indent + step.describe())
        if isinstance(step, Aggregate):
            lines += render(step.steps, indent + 1)
        if is_loop(step):
            indent += 1
    return lines
