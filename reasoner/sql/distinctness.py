"""Whether a rule's SELECT gives each row at most once, so that the driver need not make its
rows distinct (`SELECT DISTINCT`: a hash aggregate over every row, the most expensive step of
many of the rule library's statements).

Every table the rule reads is a set. A row of the SELECT comes from one choice of a row of each
atom it scans (and a value of each `range` it generates); aggregates give one value per
binding of the variables before them, and filters and negations only drop rows. So two rows
of the SELECT are equal only if they came from the same choices whenever the head's values
determine every column of every atom scanned: each column a constant, or a variable that the
head holds as it is (a column of the same type, not cast) or that is computed from such
variables. A `_` column, or a variable the head leaves out, can make two choices give one row.
"""

from __future__ import annotations

from collections.abc import Sequence

from reasoner import ast
from reasoner.plan.expressions import expression_type
from reasoner.plan.ir import Aggregate, Assign, DeltaScan, Emit, Filter, Generate, IndexProbe, Lookup, Negation, \
    RangeScan, Scan, Step


def distinct_rows(steps: Sequence[Step], types: dict[str, str], head_types: Sequence[str]) -> bool:
    """Whether the planned body (ending in `Emit`) gives each head tuple at most once."""
    emit = steps[-1]
    if not isinstance(emit, Emit):
        return False
    known = {term.name for term, want in zip(emit.terms, head_types)
             if isinstance(term, ast.Var) and expression_type(term, types) == want}
    for step in steps:  # variables computed from known ones are known
        if isinstance(step, Assign) and set(ast.term_variables(step.term)) <= known:
            known.add(step.var.name)
    for step in steps:
        if isinstance(step, (DeltaScan, Scan, IndexProbe, Lookup, RangeScan)):
            for arg in step.atom.args:
                if isinstance(arg, ast.Wildcard) or not set(ast.term_variables(arg)) <= known:
                    return False
        elif isinstance(step, Generate):
            if step.var.name not in known:
                return False
        elif not isinstance(step, (Assign, Filter, Negation, Aggregate, Emit)):
            return False
    return True
