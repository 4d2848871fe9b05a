"""Rule plans: join order, index choice and generated Python code for each rule variant.

For every rule (and, in a recursive stratum, every delta variant: one per body atom of the
stratum) the pipeline is

    schedule (schedule.py)           body -> steps (ir.py): the delta atom first, then the atom
                                     with the most bound columns, filters as soon as they can run
    use_sorted_indexes (ranges.py)   a scan bounded by comparisons -> a range scan
    choose_indexes (passes.py)       a scan with bound columns -> an index probe or a lookup
    hoist_aggregates (aggregates.py) an aggregate inside a term -> a step of its own
    generate (codegen.py)            steps -> Python source: nested loops, compiled once

`RulePlan.describe()` prints the steps; `RulePlan.source` is the Python. `RulePlan.bind`
attaches the code to the relations of one evaluation, in the namespace of `runtime.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType
from typing import Any

import attrs

from reasoner import ast
from reasoner.errors import CheckError, error
from reasoner.plan.codegen import generate
from reasoner.plan.blocks import TooDeep
from reasoner.plan.expressions import expression_type
from reasoner.plan.ir import Emit, Step, render
from reasoner.plan.passes import PASSES, IndexChoice, PlanOptions, plan_body
from reasoner.plan.runtime import make_context, namespace
from reasoner.plan.schedule import Cost, schedule
from reasoner.program import RelationSchema

__all__ = [
    "MAX_BODY", "PASSES", "SORTED_INDEXES", "PlanOptions", "RulePlan", "compile_plan", "compile_rule",
    "expression_type", "make_context", "plan_body", "schedule",
]

# Whether plans may read atoms through sorted indexes (a switch for the tests and benchmarks
# that compare them with the nested-loop plans; read when a plan is compiled).
SORTED_INDEXES = True

# The most literals one rule body (or goal) may have, after `;` is expanded: a longer body is
# a diagnostic (each `SPLIT_LOOPS` atoms cost a nested call, and the recursion depth is bounded).
MAX_BODY = 4_096


@attrs.frozen
class RulePlan:
    clause: ast.Clause | None
    delta_position: int | None  # body position read from the delta, None for a full variant
    delta_relation: str | None
    source: str = attrs.field(repr=False)
    code: CodeType = attrs.field(repr=False, eq=False)
    constants: tuple[object, ...] = attrs.field(repr=False, eq=False)
    relations: tuple[str, ...] = ()
    indexes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # hash indexes it probes
    scanned: tuple[str, ...] = ()  # relations it reads in full
    # head columns that may hold a string or integer the rule computes (for the memory budget)
    made: tuple[int, ...] = ()
    steps: tuple[Step, ...] = attrs.field(default=(), repr=False, eq=False)
    title: str = attrs.field(default="", repr=False, eq=False)

    def bind(self, relations: dict[str, Any], context: dict[str, Any]) -> Callable[..., None]:
        """The runnable function `run(delta, emit, check)` over these relation objects."""
        globals_ = namespace(context, self.constants)
        exec(self.code, globals_)
        make: Callable[[dict[str, Any]], Callable[..., None]] = globals_["make"]
        return make(relations)

    def describe(self) -> str:
        """The plan's steps, one a line, indented by nesting, under its title."""
        header = [f"# {self.title}"] if self.title else []
        return "\n".join(header + render(self.steps))


def compile_plan(
    body: tuple[ast.Literal, ...],
    head_terms: tuple[ast.Term, ...],
    head_types: tuple[str, ...],
    schemas: dict[str, RelationSchema],
    types: dict[str, str],
    delta_position: int | None = None,
    clause: ast.Clause | None = None,
    title: str = "",
    ranges: bool = True,
    choose_index: IndexChoice | None = None,
    cost: Cost | None = None,
) -> RulePlan:
    """Compile a body and the tuple it emits into a `RulePlan`. `ranges=False` keeps the
    plan off sorted indexes (for plans run on a few rows, where building one costs more than
    the filters it saves); `choose_index(relation, columns)` may name an index on a subset of
    the bound columns to probe instead of one on all of them, or none; `cost` orders the
    atoms by the rows they would examine (see `schedule`)."""
    span = clause.span if clause is not None else None
    if len(body) > MAX_BODY:
        raise CheckError(error(f"this rule has {len(body):,} literals in its body, more than the "
                               f"{MAX_BODY:,} allowed", span,
                               "split it into rules over intermediate relations"))
    options = PlanOptions(schemas, types, ranges, SORTED_INDEXES, choose_index, cost)
    head = clause.head.relation if clause is not None and tuple(head_terms) == clause.head.args else None
    steps = plan_body(body, set(), delta_position, options, emit=Emit(tuple(head_terms), head))
    title = title.replace("\r", "\\r").replace("\n", "\\n")
    try:
        code = generate(steps, head_types, schemas, types, title)
    except TooDeep:
        raise CheckError(error(
            "this rule nests too deeply to be compiled: an aggregate's body joins too many atoms",
            span, "compute part of the aggregate's body in a relation of its own")) from None
    compiled = compile(code.source, f"<plan {title or 'query'}>", "exec")
    delta_relation = None
    if delta_position is not None:
        delta_atom = body[delta_position]
        assert isinstance(delta_atom, ast.Atom)
        delta_relation = delta_atom.relation
    return RulePlan(clause, delta_position, delta_relation, code.source, compiled, code.constants,
                    code.relations, code.indexes, code.scanned, code.made, tuple(steps), title)


def compile_rule(
    clause: ast.Clause,
    schemas: dict[str, RelationSchema],
    types: dict[str, str],
    delta_position: int | None,
    ranges: bool = True,
    choose_index: IndexChoice | None = None,
    cost: Cost | None = None,
) -> RulePlan:
    schema = schemas[clause.head.relation]
    variant = "full" if delta_position is None else f"delta on body atom {delta_position + 1}"
    where = f"{clause.span}" if clause.span else ""
    title = f"{clause}  [{variant}] {where}".strip()
    return compile_plan(clause.body, clause.head.args, schema.bases, schemas, types,
                        delta_position, clause, title.replace("\n", " "), ranges, choose_index, cost)
