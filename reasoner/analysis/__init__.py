"""Checks that run before evaluation, each a named pass over the program.

`analyse` runs them in order: relation schemas (declarations, types, arities, undeclared
relations), clause typing, safety (every variable grounded), stratification. Each pass
returns diagnostics; if any is an error, `CheckError` is raised with all of them.
"""

from __future__ import annotations

import attrs

from reasoner import ast, user_functors
from reasoner.analysis.inlining import inline_relations
from reasoner.analysis.records import record_types
from reasoner.analysis.safety import check_safety
from reasoner.analysis.schema import arity_error, resolve_schemas, resolve_types
from reasoner.analysis.strata import Stratum, stratify
from reasoner.analysis.subsumption import check_choice_domains, check_subsumptions
from reasoner.analysis.typing import infer_clause_types
from reasoner.errors import CheckError, Diagnostic, warning
from reasoner.program import Program, RelationSchema
from reasoner.records import RecordTypes


@attrs.frozen
class Analysis:
    schemas: dict[str, RelationSchema]
    variable_types: dict[int, dict[str, str]]  # id(clause or query body) -> variable -> base type
    strata: tuple[Stratum, ...]
    warnings: tuple[Diagnostic, ...]


def analyse(
    program: Program,
    external: dict[str, RelationSchema] | None = None,
    strict: bool = False,
) -> Analysis:
    """Check `program`; raise `CheckError` listing every error, else return the analysis.

    `external` holds schemas of relations fed from outside the program text (facts added
    through the API, lowered event statements). `strict` (batch mode) makes a relation
    that is used but never declared an error instead of a warning.
    """
    diagnostics: list[Diagnostic] = []
    program = inline_relations(program)  # `inline` relations read through their rules' bodies
    schemas, found = resolve_schemas(program, external or {}, strict)
    diagnostics += found
    records, found = record_types(program.type_declarations, resolve_types(program)[0])
    diagnostics += found
    if records:  # the columns that hold records read and print them with their types
        schemas = {name: attrs.evolve(schema, records=records) for name, schema in schemas.items()}
    variable_types: dict[int, dict[str, str]] = {}
    for clause in program.clauses:
        types, found = infer_clause_types(clause.head, clause.body, schemas, records=records)
        variable_types[id(clause)] = types
        diagnostics += found
        diagnostics += check_safety(clause.head, clause.body, clause.shared_variables)
    for query in program.queries:
        for body in query.bodies:
            diagnostics += check_query(body, schemas, variable_types, records)
    diagnostics += check_subsumptions(program, schemas, variable_types)
    diagnostics += check_choice_domains(program)
    strata, found = stratify(program.rules, schemas, program.subsumptions)
    diagnostics += found
    diagnostics += [_pragma_warning(pragma) for pragma in program.pragmas]
    diagnostics += user_functors.check(program.functor_declarations, program.clauses, program.user_functors)
    # A clause with a disjunction is checked once per alternative: report each problem once.
    diagnostics = list(dict.fromkeys(diagnostics))
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise CheckError(diagnostics)
    return Analysis(schemas, variable_types, tuple(strata), tuple(diagnostics))


def check_query(
    body: tuple[ast.Literal, ...],
    schemas: dict[str, RelationSchema],
    variable_types: dict[int, dict[str, str]],
    records: RecordTypes | None = None,
) -> list[Diagnostic]:
    """Type and safety checks of one conjunctive goal; records its variable types."""
    diagnostics: list[Diagnostic] = []
    for literal in body:
        for atom in ast.literal_atoms(literal):
            schema = schemas.get(atom.relation)
            if schema is None:
                diagnostics.append(_unknown_relation(atom, schemas))
            elif len(atom.args) != schema.arity:
                diagnostics.append(arity_error(atom, schema))
    if diagnostics:
        return diagnostics
    if records is None:  # a goal asked of an engine: the types its relations were checked with
        records = next((s.records for s in schemas.values() if s.records is not None), None)
    types, found = infer_clause_types(None, body, schemas, records=records)
    variable_types[id(body)] = types
    diagnostics += found
    diagnostics += check_safety(None, body)
    return diagnostics


def _pragma_warning(pragma: ast.Pragma) -> Diagnostic:
    return warning(f"`.pragma \"{pragma.key}\"` is accepted and has no effect here", pragma.span,
                   "pragmas set options of Soufflé's compiler; the answers do not depend on them")


def _unknown_relation(atom: ast.Atom, schemas: dict[str, RelationSchema]) -> Diagnostic:
    from reasoner.analysis.schema import unknown_relation

    return unknown_relation(atom, schemas, "error")
