"""Answering a goal (`?- path(1, X), X > 2.`) against an engine state: each alternative of the
goal checked like a rule body, planned and run over the evaluated relations."""

from __future__ import annotations

from reasoner import ast
from reasoner.analysis import check_query
from reasoner.errors import Diagnostic, QueryError, error
from reasoner.evaluate import run_plan
from reasoner.facts_io import sort_key
from reasoner.frames import Answers
from reasoner.limits import Budget, Limits
from reasoner.plan import compile_plan
from reasoner.state import EngineState, Row


def answer(state: EngineState, query: ast.Query, limits: Limits) -> Answers:
    """One dict per answer, from variable name to value, sorted; a `QueryError` lists every
    problem of the goal."""
    schemas = state.schemas
    names = ast.query_variables(query)
    results: set[Row] = set()
    diagnostics: list[Diagnostic] = []
    types_by_body: dict[int, dict[str, str]] = {}
    for body in query.bodies:
        diagnostics += check_query(body, schemas, types_by_body)
        bound = {n for lit in body for n in ast.literal_variables(lit)}
        missing = [n for n in names if n not in bound]
        if missing and len(query.bodies) > 1:
            diagnostics.append(error(
                f"every alternative of the goal must use the same variables; "
                f"`{missing[0]}` is missing from one", query.span))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise QueryError(errors)
    budget = Budget(limits)
    for body in query.bodies:
        types = types_by_body[id(body)]
        head = tuple(ast.Var(n) for n in names)
        plan = compile_plan(body, head, tuple(types.get(n, "symbol") for n in names),
                            schemas, types, title=str(query))
        function = plan.bind(state.relations, state.context)
        run_plan(plan, function, None, results, budget)
    return Answers(names, (dict(zip(names, row)) for row in sorted(results, key=sort_key)))
