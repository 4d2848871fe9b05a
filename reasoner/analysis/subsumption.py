"""Checks of subsumption rules (`p(X) <= p(Y) :- body.`) and of `choice-domain`s.

A subsumption compares two tuples of one relation that has columns; its two atoms and its
body are typed and checked for safety as one conjunction, whose variable types the planner
reads (`variable_types[id(subsumption)]`). A `choice-domain` names columns of its relation.
"""

from __future__ import annotations

from reasoner import ast
from reasoner.analysis.safety import check_safety
from reasoner.analysis.schema import arity_error, unknown_relation
from reasoner.analysis.typing import infer_clause_types
from reasoner.errors import Diagnostic, error
from reasoner.program import Program, RelationSchema


def check_subsumptions(program: Program, schemas: dict[str, RelationSchema],
                       variable_types: dict[int, dict[str, str]]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for subsumption in program.subsumptions:
        dominated, dominating = subsumption.dominated, subsumption.dominating
        if dominated.relation != dominating.relation:
            diagnostics.append(error(
                f"a subsumption compares two tuples of one relation, not of `{dominated.relation}` and "
                f"`{dominating.relation}`", subsumption.span, "write `p(X) <= p(Y) :- ...`"))
            continue
        found = []
        for literal in subsumption.literals:
            for atom in ast.literal_atoms(literal):
                schema = schemas.get(atom.relation)
                if schema is None:
                    found.append(unknown_relation(atom, schemas, "error"))
                elif len(atom.args) != schema.arity:
                    found.append(arity_error(atom, schema))
        if not found and not dominated.args:
            found.append(error(f"a subsumption needs tuples with columns; `{dominated.relation}` has none",
                               subsumption.span))
        if not found and schemas[dominated.relation].eqrel:  # as in Soufflé (btree_delete only)
            found.append(error(f"a subsumption cannot remove pairs of `{dominated.relation}`, an `eqrel`",
                               subsumption.span, "an equivalence holds every pair its pairs link; declare the "
                               "relation without `eqrel` to have tuples removed from it"))
        if found:
            diagnostics += found
            continue
        types, typing_problems = infer_clause_types(None, subsumption.literals, schemas)
        variable_types[id(subsumption)] = types
        diagnostics += typing_problems
        diagnostics += check_safety(None, subsumption.literals)
    return diagnostics


def check_choice_domains(program: Program) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for declaration in program.declarations:
        columns = {a.name for a in declaration.attributes}
        if declaration.choice and "eqrel" in declaration.qualifiers:
            diagnostics.append(error(
                f"`{declaration.relation}` is an `eqrel` and cannot have a choice-domain: an equivalence holds every "
                f"pair its pairs link, so it cannot keep one value per key", declaration.span,
                "declare a relation without `eqrel` for the choice, e.g. one that reads the equivalence"))
            continue
        for domain in declaration.choice:
            for name in domain:
                if name not in columns:
                    diagnostics.append(error(
                        f"the choice-domain of `{declaration.relation}` names `{name}`, which is not one of its "
                        f"columns ({', '.join(a.name for a in declaration.attributes)})", declaration.span))
    return diagnostics
