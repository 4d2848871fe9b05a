"""Steps → Python: the plan of one rule written out as nested loops, the code a person would
write by hand for that rule.

`generate` returns the source of `make(relations)`, which binds the relations and indexes the
plan reads and returns `run(delta, emit, check)`. Every loop counts its iterations towards the
next limit check (`reasoner.limits.Budget.check`); a long body becomes a chain of functions
(`reasoner.plan.blocks`).
"""

from __future__ import annotations

import collections

import attrs

from reasoner import ast
from reasoner.bitwise import WORD
from reasoner.plan.blocks import SPLIT_INDENT, SPLIT_LOOPS, BlockWriter
from reasoner.plan.expressions import expression_type
from reasoner.plan.ir import (Aggregate, Assign, DeltaScan, Emit, Filter, Generate, IndexProbe, Lookup,
                              Negation, RangeScan, Scan, Step, mentions, step_terms)
from reasoner.program import RelationSchema
from reasoner.types import INTEGRAL, NUMERIC


@attrs.frozen
class Code:
    """The generated source of one plan and what it reads and makes."""

    source: str
    constants: tuple[object, ...]
    relations: tuple[str, ...]  # relations it reads
    indexes: tuple[tuple[str, tuple[int, ...]], ...]  # hash indexes it probes
    scanned: tuple[str, ...]  # relations it reads in full
    made: tuple[int, ...]  # head columns that may hold a string or integer the rule computes


def generate(steps: list[Step], head_types: tuple[str, ...], schemas: dict[str, RelationSchema],
             types: dict[str, str], title: str = "") -> Code:
    """The source of a plan whose last step is its `Emit`. Raises `TooDeep`."""
    gen = Generator(schemas, types, head_types)
    gen.ordered = _counts(steps)
    run_lines = gen.lines
    gen.head_names = {n for step in steps if isinstance(step, Emit) for n in mentions(step)}
    gen.steps(steps, set())
    if len(gen.counts) > 1 and not gen.sized and not _computes(steps):
        # The last loop opened has no loop inside it: each of its runs reads one relation (or
        # one index bucket) and, with no functor or test, does bounded work per row. Its
        # parent loop counts those runs; counting its rows too would cost about a tenth of a
        # join's time (transitive closure), for no gain in how soon a limit is seen.
        lines, index = gen.counts[-1]
        del lines[index:index + 2]
    title = title.replace("\r", "\\r").replace("\n", "\\n")
    header = [f"# {title}"] if title else []
    relation_lines = [f"    {local} = relations[{name!r}]" for name, local in gen.relations.items()]
    functions = []
    for signature, lines in gen.functions:
        functions += [f"    {signature}", *lines, "        return _n, _b"]
    source = "\n".join(
        header
        + ["def make(relations):"]
        + relation_lines
        + [f"    {line}" for line in gen.prelude]
        + functions
        + ["    def run(delta, emit, check):", "        _n = 1", "        _b = 0"]
        + run_lines
        + ["    return run", ""]
    )
    return Code(source, tuple(gen.constants), tuple(gen.relations), tuple(gen.indexes),
                tuple(gen.scanned), tuple(gen.made))


def _counts(steps: list[Step] | tuple[Step, ...]) -> bool:
    """Whether a plan calls `autoinc()`: then the numbers it gives depend on the order it
    meets rows in, which for a set is the order of the values' hashes (for symbols, different
    from one process to the next), so its loops read rows sorted to number them alike in
    every run."""
    for step in steps:
        if isinstance(step, Aggregate) and _counts(step.steps):
            return True
        terms = list(step_terms(step))
        if isinstance(step, Aggregate) and step.target is not None:
            terms.append(step.target)
        while terms:
            term = terms.pop()
            if isinstance(term, ast.Call):
                if term.op == "autoinc":
                    return True
                terms.extend(term.args)
    return False


def _computes(steps: list[Step] | tuple[Step, ...]) -> bool:
    """Whether a plan applies a functor or a test (`match`, `contains`): work per row that
    the value limits bound, but not by a small constant."""
    for step in steps:
        if isinstance(step, Filter) and isinstance(step.literal, ast.Test):
            return True
        terms = list(step_terms(step))
        if isinstance(step, Aggregate):
            if _computes(step.steps):
                return True
            if step.target is not None:
                terms.append(step.target)
        while terms:
            term = terms.pop()
            if isinstance(term, ast.Call):
                return True
    return False


def _bisect(side: str, values: str, value: str, lo: str | None, hi: str | None) -> str:
    """A bisection of `values` for `value` within the slice `lo:hi` found so far."""
    window = f", {lo}" if lo else ""
    if hi:
        window = f", {lo or 0}, {hi}"
    return f"bisect_{side}({values}, {value}{window})"


class Generator(BlockWriter):
    """Writes the code of one plan."""

    def __init__(self, schemas: dict[str, RelationSchema], types: dict[str, str],
                 head_types: tuple[str, ...] = ()):
        super().__init__(types)
        self.schemas = schemas
        self.head_types = head_types
        self.assigned: set[str] = set()  # variables bound by `X = expr` (computed values)
        self.head_names: set[str] = set()  # the variables the emitted tuple reads
        self.scanned: list[str] = []  # relations read in full (by a scan with no index)
        self.made: list[int] = []  # head columns that may hold a computed string or integer
        self.sized: list[str] = []  # the computed strings of the emitted tuple
        self.ordered = False  # read rows in sorted order (a plan numbering rows: `_counts`)

    # ---- steps -----------------------------------------------------------------------
    def steps(self, steps: list[Step] | tuple[Step, ...], bound: set[str]) -> None:
        top = len(self.scopes) == 1
        names = [mentions(step) for step in steps] if top else []
        remaining = collections.Counter(n for step_names in names for n in step_names)
        for index, step in enumerate(steps):
            if top and (self.loops >= SPLIT_LOOPS or self.indent >= SPLIT_INDENT):
                self.split({n for n in bound if remaining[n] or n in self.head_names})
            if top:
                remaining.subtract(names[index])
            self.step(step, bound)

    def step(self, step: Step, bound: set[str]) -> None:
        if isinstance(step, DeltaScan):
            self.read(step.atom, bound, delta=True)
        elif isinstance(step, Scan):
            self.read(step.atom, bound)
        elif isinstance(step, IndexProbe):
            self.read(step.atom, bound, probed=step.columns)
        elif isinstance(step, Lookup):
            atom = step.atom
            columns, parts = self.atom_key(atom, bound)
            if len(columns) == len(atom.args):
                self.guard(f"{self.key(parts, tuple_key=True)} in {self.relation(atom.relation)}.tuples")
            elif not columns:  # only wildcards: some tuple
                self.guard(f"{self.relation(atom.relation)}.tuples")
            else:
                self.guard(f"{self.key(parts)} in {self.index(atom.relation, tuple(columns))}")
        elif isinstance(step, RangeScan):
            self.range_scan(step, bound)
        elif isinstance(step, Assign):
            want = self.types.get(step.var.name)
            self.line(f"{self.var(step.var.name)} = {self.expr(step.term, want)}")
            bound.add(step.var.name)
            self.assigned.add(step.var.name)
        elif isinstance(step, Generate):
            self.generate(step, bound)
        elif isinstance(step, Filter):
            self.guard(self.condition(step.literal))
        elif isinstance(step, Negation):
            self.negation(step.literal, bound)
        elif isinstance(step, Aggregate):
            self.aggregate(step, bound)
        else:
            self.emit(step)

    def atom_key(self, atom: ast.Atom, bound: set[str]) -> tuple[list[int], list[str]]:
        """The bound columns of `atom` and the code of their values."""
        schema = self.schemas[atom.relation]
        columns, parts = [], []
        for i, arg in enumerate(atom.args):
            if isinstance(arg, ast.Wildcard):
                continue
            if isinstance(arg, ast.Var) and arg.name not in bound:
                continue
            columns.append(i)
            parts.append(self.expr(arg, schema.bases[i]))
        return columns, parts

    @staticmethod
    def key(parts: list[str], tuple_key: bool = False) -> str:
        """The code of the bound columns' values: a tuple (`tuple_key`), else the one value
        or a tuple of several."""
        if not tuple_key:
            return parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
        if not parts:
            return "()"
        return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"

    def read(self, atom: ast.Atom, bound: set[str], delta: bool = False, probed: tuple[int, ...] = (),
             source: str | None = None) -> None:
        """Loop over the rows of `atom` that match the bound variables: from the delta, from a
        hash index on the `probed` columns, from all tuples, or from `source` (a slice of a
        sorted index, all of whose rows match the bound columns)."""
        columns, parts = self.atom_key(atom, bound)
        arity = len(atom.args)
        # The bound columns the loop checks itself (rather than the index or slice it reads):
        # all of them for the delta; for an index on a subset of them, the others.
        if delta:
            compared = set(columns)
        else:
            compared = set(columns) - set(probed) if source is None else set()
        if source is None and not delta and not probed:
            self.scanned.append(atom.relation)  # read in full
        targets, checks = [], []
        for i, arg in enumerate(atom.args):
            if isinstance(arg, ast.Var) and arg.name not in bound:
                name = self.var(arg.name)
                if name in targets:  # the same new variable twice in one atom
                    other = self.fresh("d")
                    targets.append(other)
                    checks.append(f"{other} == {name}")
                else:
                    targets.append(name)
            elif i in compared:
                other = self.fresh("d")
                targets.append(other)
                checks.append(f"{other} == {parts[columns.index(i)]}")
            else:
                targets.append("_")
        pattern = targets[0] + "," if arity == 1 else ", ".join(targets)
        if arity == 0:
            pattern = "_"
        if source is not None:
            pass
        elif delta:
            source = "delta"
        elif probed:
            index = self.index(atom.relation, probed)
            key_parts = [parts[columns.index(i)] for i in probed]
            key = key_parts[0] if len(key_parts) == 1 else f"({', '.join(key_parts)})"
            source = f"{index}.get({key}, _E)"
        else:
            source = f"{self.relation(atom.relation)}.tuples"
        if self.ordered:
            source = f"sorted({source}, key=repr)"
        self.loop(f"for {pattern} in {source}:")
        for arg in atom.args:
            if isinstance(arg, ast.Var):
                bound.add(arg.name)
        if checks:
            self.guard(" and ".join(checks))

    def range_scan(self, step: RangeScan, bound: set[str]) -> None:
        """Loop over the rows of the atom whose `column` is within `bounds`, read from a sorted
        index: per key of the bound columns, the values of `column` in ascending order (`k`)
        and the rows (`r`); each bound narrows the slice `lo:hi` by one bisection within it.

        The bounds come in the order the comparisons would have been tested. A term that may
        fail (`D1 + 30` on dates) is computed only if the slice so far is not empty, so that it
        fails exactly when the filter would have."""
        atom = step.atom
        columns, parts = self.atom_key(atom, bound)
        base = self.schemas[atom.relation].bases[step.column]
        local = self.sorted_index(atom.relation, tuple(columns), step.column)
        if columns:
            bucket = self.fresh("b")
            key = self.key(parts)
            values, rows = self.fresh("k"), self.fresh("r")
            self.line(f"{bucket} = {local}.get({key})")
            self.guard(f"{bucket} is not None")
            self.line(f"{values}, {rows} = {bucket}")
        else:
            values, rows = local.split(", ")
        lo: str | None = None
        hi: str | None = None
        for bound_ in step.bounds:
            op, term = bound_.op, bound_.term
            if bound_.may_fail:
                if lo is None and hi is None:
                    self.guard(f"{values}")
                else:
                    self.guard(f"{lo or 0} < {hi or f'len({values})'}")
            value = self.expr(term, base if base in NUMERIC else None)
            nan = "float" in (base, expression_type(term, self.types))
            if op == "=" or (nan and op in ("<=", ">=")):
                # `=` uses the value twice; a NaN bound selects nothing (bisection would not
                # know that), and only the non-strict bisections need telling.
                if not isinstance(term, (ast.Var, ast.Const)):
                    temporary = self.fresh("u")
                    self.line(f"{temporary} = {value}")
                    value = temporary
                if nan:
                    self.guard(f"{value} == {value}")

            if op in (">", ">=", "="):
                new_lo = lo or self.fresh("lo")
                self.line(f"{new_lo} = {_bisect('right' if op == '>' else 'left', values, value, lo, hi)}")
                lo = new_lo
            if op in ("<", "<=", "="):
                new_hi = hi or self.fresh("hi")
                self.line(f"{new_hi} = {_bisect('left' if op == '<' else 'right', values, value, lo, hi)}")
                hi = new_hi
        self.read(atom, bound, source=f"{rows}[{lo or ''}:{hi or ''}]")

    def generate(self, step: Generate, bound: set[str]) -> None:
        """A loop over the values of `range(...)`, or a test that a bound value is one."""
        want = self.types.get(step.var.name)
        values = self.expr(step.term, want)
        if step.known:
            self.guard(f"{self.var(step.var.name)} in {values}")
            return
        self.loop(f"for {self.var(step.var.name)} in {values}:")
        bound.add(step.var.name)
        self.assigned.add(step.var.name)

    def negation(self, literal: ast.Negation, bound: set[str]) -> None:
        atom = literal.atom
        columns, parts = self.atom_key(atom, bound)
        if len(columns) == len(atom.args):
            self.guard(f"{self.key(parts, tuple_key=True)} not in {self.relation(atom.relation)}.tuples")
        elif not columns:
            self.guard(f"not {self.relation(atom.relation)}.tuples")
        else:
            self.guard(f"{self.key(parts)} not in {self.index(atom.relation, tuple(columns))}")

    def aggregate(self, step: Aggregate, bound: set[str]) -> None:
        """The loops computing an aggregate into its result's local.

        For min, max and mean, which have no value over no matches, the code after this
        point is nested under a test that a value was found. Float sums and means are computed
        with `math.fsum` over the values collected: correctly rounded, so the answer does not
        depend on the order the tuples happen to be visited in."""
        result = self.var_names[step.result] = self.fresh("a")
        exact = step.op == "mean" or (step.op == "sum" and step.target_type == "float")
        if step.op == "count":
            self.line(f"{result} = 0")
        elif exact:
            self.line(f"{result}_v = []")
        elif step.op == "sum":
            self.line(f"{result} = 0")
        else:
            self.line(f"{result} = _NONE")
        seen = None
        if step.distinct is not None:
            seen = self.fresh("seen")
            self.line(f"{seen} = set()")
        outer_indent, outer_loops = self.indent, self.loops
        self.scopes.append([0, None])
        inner_bound = set(bound)
        self.steps(step.steps, inner_bound)
        if seen:
            key = "(" + "".join(f"{self.var(n)}, " for n in step.distinct or ()) + ")"
            self.guard(f"{key} not in {seen}")
            self.line(f"{seen}.add({key})")
        if step.op == "count":
            self.line(f"{result} += 1")
        elif exact:
            self.line(f"{result}_v.append({self.expr(step.target)})")
        elif step.op == "sum":
            self.line(f"{result} += {self.expr(step.target)}")
        else:
            value = self.fresh("t")
            self.line(f"{value} = {self.expr(step.target)}")
            better = "<" if step.op == "min" else ">"
            self.open(f"if {result} is _NONE or {value} {better} {result}:")
            self.line(f"{result} = {value}")
        self.indent, self.loops = outer_indent, outer_loops
        self.scopes.pop()
        if step.op == "mean":
            self.guard(f"{result}_v")
            self.line(f"{result} = fsum({result}_v) / len({result}_v)")
        elif exact:
            self.line(f"{result} = fsum({result}_v)")
        elif step.op in ("min", "max"):
            self.guard(f"{result} is not _NONE")
        elif step.op == "sum" and step.target_type == "unsigned":  # wraps around, as `+` does
            self.line(f"{result} &= {WORD}")
        elif step.op == "sum" and step.target_type in INTEGRAL:
            self.line(f"if not -_BIG < {result} < _BIG: too_big({result}, {self.where(step.source)})")
        bound.add(step.result)
        self.assigned.add(step.result)
        if step.type is not None:
            self.types[step.result] = step.type

    def emit(self, step: Emit) -> None:
        """Add the head's tuple; count the strings it computes towards the memory budget."""
        values = []
        for column, (term, want) in enumerate(zip(step.terms, self.head_types)):
            value = self.expr(term, want)
            computed = not isinstance(term, (ast.Var, ast.Const)) or (
                isinstance(term, ast.Var) and term.name in self.assigned)
            if computed and want in ("symbol", "number", "unsigned"):
                self.made.append(column)
                if want == "symbol":  # counted as it is made, for the memory budget
                    if not isinstance(term, ast.Var):
                        temporary = self.fresh("h")
                        self.line(f"{temporary} = {value}")
                        value = temporary
                    self.sized.append(value)
            values.append(value)
        if len(values) == 1:
            self.line(f"emit(({values[0]},))")
        else:
            self.line(f"emit(({', '.join(values)}))")
        if self.sized:
            self.line(f"_b += {' + '.join(f'len({v})' for v in self.sized)}")
