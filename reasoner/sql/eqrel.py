"""`eqrel` relations on the SQL backends: computed as their closure, by rules.

The Python engine stores an `eqrel` relation as its classes (`reasoner.eqrel`); a database holds
tables of rows, so the SQL backends compute all its pairs instead, by three rules stated at the
declaration: every value it relates is related to itself, and the relation is symmetric and
transitive. `with_closure_rules` adds them to the strata of a checked program before it is
compiled to SQL (each such stratum then recurses).
"""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.program import RelationSchema


def closure_rules(schema: RelationSchema) -> list[ast.Clause]:
    """The rules that make an `eqrel` relation an equivalence (at its declaration, so that a
    proof names it)."""
    name, span = schema.name, schema.span

    def atom(a: str, b: str) -> ast.Atom:
        return ast.Atom(name, (ast.Var(a, span), ast.Var(b, span) if b != "_" else ast.Wildcard(span)), span)

    return [
        ast.Clause(atom("X", "X"), (atom("X", "_"),), span),
        ast.Clause(atom("Y", "X"), (atom("X", "Y"),), span),
        ast.Clause(atom("X", "Z"), (atom("X", "Y"), atom("Y", "Z")), span),
    ]


def with_closure_rules(analysis: Analysis) -> Analysis:
    """`analysis` with the closure rules of each `eqrel` relation in its stratum (and their
    variables' types); the same analysis if it has none."""
    if not any(schema.eqrel for schema in analysis.schemas.values()):
        return analysis
    variable_types = dict(analysis.variable_types)
    strata = []
    for stratum in analysis.strata:
        added = []
        for name in sorted(stratum.relations):
            schema = analysis.schemas.get(name)
            if schema is None or not schema.eqrel:
                continue
            for rule in closure_rules(schema):
                variable_types[id(rule)] = dict.fromkeys(("X", "Y", "Z"), schema.bases[0])
                added.append(rule)
        if added:
            stratum = attrs.evolve(stratum, rules=stratum.rules + tuple(added), recursive=True)
        strata.append(stratum)
    return attrs.evolve(analysis, variable_types=variable_types, strata=tuple(strata))
