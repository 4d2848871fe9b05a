"""Whether a rule's SELECT gives each row at most once, so that the driver need not make its
rows distinct (`SELECT DISTINCT`: a hash aggregate over every row, the most expensive step of
many of the rule library's statements), and where it need do so only for some of them.

Every table the rule reads is a set. A row of the SELECT comes from one choice of a row of each
atom it scans (and a value of each `range` it generates); aggregates give one value per
binding of the variables before them, and filters and negations only drop rows. So two rows
of the SELECT are equal only if they came from the same choices whenever the head's values
determine every column of every atom scanned: each column a constant, or a variable that the
head holds as it is (a column of the same type, not cast) or that is computed from such
variables (`distinct_rows`). A `_` column, or a variable the head leaves out, can make two
choices give one row.

Where one atom alone has such columns (`holds_at(F, D) :- holds_for(F, S, E), fluent_day(D),
S <= D, D <= E`: S and E), its rows whose determined columns (F) hold values no other of its
rows holds give distinct rows too, and rows that no other part can give (the head holds F):
`split` is the rule's rows as those rows, taken as they are, and the DISTINCT rows of the
others. (On the library's 100,000 events `holds_at` is 4,149,037 rows, all from fluents with
one interval or with intervals that do not overlap: 0.15 s instead of 0.75 s.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from reasoner import ast
from reasoner.plan.expressions import expression_type
from reasoner.plan.ir import Aggregate, Assign, DeltaScan, Emit, Filter, Generate, IndexProbe, Lookup, Negation, \
    RangeScan, Scan, Step
from reasoner.sql.backend import column_names

_SCANS = (DeltaScan, Scan, IndexProbe, Lookup, RangeScan)


def _known(steps: Sequence[Step], types: dict[str, str], head_types: Sequence[str]) -> set[str] | None:
    """The variables the head's values determine (None: not a body ending in `Emit`, or a
    step this module does not know)."""
    emit = steps[-1]
    if not isinstance(emit, Emit) or not all(isinstance(step, (*_SCANS, Assign, Filter, Negation, Aggregate,
                                                                 Generate, Emit)) for step in steps):
        return None
    known = {term.name for term, want in zip(emit.terms, head_types)
             if isinstance(term, ast.Var) and expression_type(term, types) == want}
    for step in steps:  # variables computed from known ones are known
        if isinstance(step, Assign) and set(ast.term_variables(step.term)) <= known:
            known.add(step.var.name)
    return known


def _determined(arg: ast.Term, known: set[str]) -> bool:
    return not isinstance(arg, ast.Wildcard) and set(ast.term_variables(arg)) <= known


def distinct_rows(steps: Sequence[Step], types: dict[str, str], head_types: Sequence[str]) -> bool:
    """Whether the planned body (ending in `Emit`) gives each head tuple at most once."""
    known = _known(steps, types, head_types)
    if known is None:
        return False
    for step in steps:
        if isinstance(step, _SCANS) and not all(_determined(arg, known) for arg in step.atom.args):
            return False
        if isinstance(step, Generate) and step.var.name not in known:
            return False
    return True


def split(steps: Sequence[Step], types: dict[str, str], head_types: Sequence[str],
          select: Callable[[dict[int, exp.Expr]], exp.Select], table: Callable[[str], exp.Table]) -> exp.Expr | None:
    """The rule's distinct rows as `WITH repeated AS (...) SELECT ... UNION ALL SELECT DISTINCT
    ...`: `repeated` the values of the determined columns of its one atom with undetermined
    columns that more than one of the atom's rows hold (a GROUP BY of the atom's table, `HAVING
    count(*) > 1`), the first SELECT from the atom's other rows, taken as they are, the second
    from these. None where not one atom (joined to another) alone has undetermined columns,
    it has no determined one, or it shares a variable with another atom (a range join or a
    cross product is where many rows are made distinct). `select(sources)` is the rule's
    SELECT with the atom at each index of `sources` read from the query given there."""
    known = _known(steps, types, head_types)
    if known is None or any(isinstance(step, Generate) and step.var.name not in known for step in steps):
        return None
    atoms = {i: step.atom for i, step in enumerate(steps) if isinstance(step, _SCANS)}
    open_ = [i for i, atom in atoms.items() if not all(_determined(arg, known) for arg in atom.args)]
    if len(open_) != 1 or len(atoms) < 2:
        return None
    index = open_[0]
    atom = atoms[index]
    others = {name for i, other in atoms.items() if i != index for arg in other.args for name in ast.term_variables(arg)}
    if others & {name for arg in atom.args for name in ast.term_variables(arg)}:
        return None  # an equi-join: its rows are rarely many more than the atom's, and the split costs more than it saves
    keys = [column for column, arg in zip(column_names(len(atom.args)), atom.args) if _determined(arg, known)]
    if not keys:
        return None
    name = f"{atom.relation} repeated"  # (no relation's name holds a space)
    repeated = (exp.select(*keys).from_(table(atom.relation)).group_by(*keys)
                .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))))

    def rows(negated: bool) -> exp.Expr:
        match = exp.and_(*(exp.EQ(this=exp.column(key, "r"), expression=exp.column(key, "s")) for key in keys))
        test: exp.Expr = exp.Exists(this=exp.select("1").from_(exp.alias_(table(name), "r", table=True)).where(match))
        source = exp.alias_(table(atom.relation), "s", table=True)
        return exp.select(exp.Star()).from_(source).where(exp.not_(test) if negated else test).subquery()

    once = select({index: rows(negated=True)})
    more = select({index: rows(negated=False)})
    both = exp.union(once, exp.select(exp.Star()).from_(more.subquery("q")).distinct(), distinct=False)
    return both.with_(exp.to_identifier(name, quoted=True), as_=repeated)
