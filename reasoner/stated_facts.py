"""Stated facts: rows given through the API checked against their relation, a fact written as
text (`retract('p(1)')`, `explain('path(1, 3)')`), the facts stated in rule text, and what
retracting facts changes in an engine state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.errors import LIST_RELATIONS, Diagnostic, LoadError, QueryError, error
from reasoner.evaluate import make_context, run_plan
from reasoner.explain.search import fact_text
from reasoner.facts_io import sort_key
from reasoner.limits import Budget, Limits
from reasoner.plan import compile_plan
from reasoner.program import RelationSchema
from reasoner.records import Record, constant_record, is_record_op
from reasoner.source import SourceText, Span
from reasoner.state import EngineState, Row, Rows
from reasoner.suggest import did_you_mean
from reasoner.syntax import parse_query
from reasoner.types import accepts, coerce, python_type_name, short_repr


def checked_rows(relation: str, schema: RelationSchema, rows: list[Row]) -> set[Row]:
    """Rows given through the API in their stored form, after checking each value against its
    column; the first that does not fit is a `LoadError` naming its row and column."""
    converted = set()
    for number, row in enumerate(rows, start=1):
        if len(row) != schema.arity:
            raise LoadError(error(
                f"row {number} for `{relation}` has {len(row)} values, but the relation has "
                f"{schema.arity} columns ({schema.signature()})"))
        for value, kind, column in zip(row, schema.bases, schema.columns):
            records = schema.records  # a record or ADT column holds `reasoner.records.Record`s
            if not (records.holds(kind, value) if records is not None and records.is_record_type(kind)
                    else accepts(kind, value)):
                raise LoadError(error(
                    f"row {number} for `{relation}`: {short_repr(value)} does not fit column `{column}` of type {kind}"))
        converted.add(tuple(coerce(b, v) for b, v in zip(schema.bases, row)))
    return converted


def schema_of_rows(relation: str, first: Row) -> RelationSchema:
    """The schema of a relation created by `add_facts`: columns c1, c2... of the types of the
    values of its first row."""
    bases = tuple(python_type_name(v) for v in first)
    known = tuple(b for b in bases if b is not None)
    if len(known) != len(bases):
        raise LoadError(error(f"cannot store {first!r} in `{relation}`: values must be "
                              "str, int, float or datetime.date"))
    columns = tuple(f"c{i + 1}" for i in range(len(known)))
    return RelationSchema(relation, columns, known, known, None, declared=True)


def ground_fact(text: str, schemas: Mapping[str, RelationSchema]) -> tuple[str, Row, Span | None]:
    """Parse a fact given with every value, and check it against its relation."""
    query = parse_query(SourceText("<fact>", text))
    body = query.bodies[0] if len(query.bodies) == 1 else ()
    if len(body) != 1 or not isinstance(body[0], ast.Atom):
        raise QueryError(error("expected one fact, such as `path(1, 3)`", query.span,
                               "to explain several answers, find them with a query first"))
    atom = body[0]
    if atom.relation not in schemas:
        raise QueryError(attrs.evolve(no_relation(atom.relation, schemas), span=atom.span))
    schema = schemas[atom.relation]
    if len(atom.args) != schema.arity:
        raise QueryError(error(
            f"`{atom.relation}` has {schema.arity} column{'s' if schema.arity != 1 else ''} "
            f"({schema.signature()}), not {len(atom.args)}", atom.span))
    row = []
    for arg, base, column in zip(atom.args, schema.bases, schema.columns):
        value = _constant_value(arg) if not is_record_op(getattr(arg, "op", "")) else constant_record(arg)
        if value is None:
            raise QueryError(error(
                f"`{arg}` is not a value: give every column of the fact", arg.span,
                f"to find facts first, ask `?- {atom}.`"))
        if isinstance(value, Record):  # a record or ADT value (`reasoner.records`)
            if schema.records is None or not schema.records.holds(base, value):
                raise QueryError(error(f"{arg} does not fit column `{column}` of type {base}", arg.span))
        elif not accepts(base, value):
            raise QueryError(error(f"{arg} does not fit column `{column}` of type {base}", arg.span))
        row.append(coerce(base, value))
    return atom.relation, tuple(row), atom.span


def retraction(state: EngineState, relation: str, converted: set[Row]) -> EngineState:
    """`state` without the stated facts `converted` of `relation` (in the stated facts or in
    the rule text); a `LoadError` names the first row that is not a stated fact."""
    stated = state.base.get(relation, set())
    in_text = state.text_facts.get(relation, {})
    for row in sorted(converted, key=sort_key):
        if row not in stated and row not in in_text:
            holds = row in state.relations[relation].tuples if relation in state.relations else False
            raise LoadError(error(
                f"{fact_text(relation, row)} is not a stated fact: "
                + ("it is derived by rules" if holds else "it does not hold"),
                None, "retract the facts it is derived from (`:why` shows them)" if holds else None))
    base: dict[str, Rows] = dict(state.base)
    if converted & stated:
        base[relation] = set(stated) - converted
    program, text_facts = state.program, state.text_facts
    if converted & in_text.keys() and state.analysis is not None:
        analysis = state.analysis
        kept = [c for c in program.clauses
                if not (c.head.relation == relation and is_text_fact(c)
                        and text_fact_rows([c], analysis)[relation].keys() <= converted)]
        program = attrs.evolve(program, clauses=tuple(kept))
        text_facts = {**text_facts, relation: {r: span for r, span in in_text.items() if r not in converted}}
    return attrs.evolve(state, base=base, program=program, text_facts=text_facts)


def text_fact_rows(facts: Iterable[ast.Clause], analysis: Analysis) -> dict[str, dict[Row, Span | None]]:
    """The tuples stated as facts in rule text, each with the span of its (first) statement."""
    rows: dict[str, dict[Row, Span | None]] = {}
    for fact in facts:
        schema = analysis.schemas[fact.head.relation]
        spans = rows.setdefault(fact.head.relation, {})
        if all(isinstance(a, ast.Const) for a in fact.head.args):
            row = tuple(coerce(base, a.value) for base, a in zip(schema.bases, fact.head.args)
                        if isinstance(a, ast.Const))
            spans.setdefault(row, fact.span)
            continue
        plan = compile_plan((), fact.head.args, schema.bases, analysis.schemas,
                            analysis.variable_types[id(fact)], clause=fact, title=str(fact))
        computed: set[Row] = set()
        run_plan(plan, plan.bind({}, make_context()), None, computed, Budget(Limits(None, None)))
        for row in computed:
            spans.setdefault(row, fact.span)
    return rows


def is_text_fact(clause: ast.Clause) -> bool:
    """Whether a clause is a fact (an aggregate in its head makes it a rule)."""
    return not clause.body and not any(ast.aggregates_in(arg) for arg in clause.head.args)


def no_relation(name: str, known: Iterable[str]) -> Diagnostic:
    """The error for a relation that does not exist, with the nearest name as a hint."""
    return error(f"no relation named `{name}`", None, did_you_mean(name, known) or LIST_RELATIONS)


def _constant_value(term: ast.Term) -> object | None:
    """The value of a constant argument (a negative number included), else None."""
    if isinstance(term, ast.Const):
        return term.value
    if isinstance(term, ast.Call) and term.op == "neg" and isinstance(term.args[0], ast.Const) \
            and isinstance(term.args[0].value, (int, float)):
        return -term.args[0].value
    return None
