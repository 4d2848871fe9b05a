"""Rule plans: join order, index choice and generated Python code for each rule variant.

For every rule (and, in a recursive stratum, every delta variant: one per body atom of the
stratum) we choose an order for the body: the delta atom first, then repeatedly the atom with
the most bound columns, with comparisons, negations and assignments placed as soon as their
variables are bound. Each atom with bound columns is probed through a hash index on exactly
those columns, unless comparisons bound one of the columns it binds from the variables already
bound (`D1 < D2, D2 <= D1 + 30` when scanning the atom of `D2`): then it is read through a
sorted index (`reasoner.sorted_index`) on those columns and that one, and only the slice of rows
in range is visited. The plan is then written out as a Python function of nested loops, the code a
person would write by hand for that rule, and compiled once; `RulePlan.bind` attaches it to
the relations of one evaluation.
"""

from __future__ import annotations

import collections
import datetime
import itertools
from bisect import bisect_left, bisect_right
import math
import re
from collections.abc import Callable

import attrs

from reasoner import ast, functors
from reasoner.errors import CheckError, error
from reasoner.limits import BIG, MAX_STRING
from reasoner.program import RelationSchema
from reasoner.types import BASE_TYPES, INTEGRAL, NUMERIC

# Whether plans may read atoms through sorted indexes (a switch for the tests and benchmarks
# that compare them with the nested-loop plans; read when a plan is compiled).
SORTED_INDEXES = True

# Python refuses more than 20 nested loops in one function and 100 levels of indentation. A
# rule's body is therefore written as a chain of functions: once a function holds this many
# nested loops (or this much indentation), the rest of the body goes into a function of its
# own, called with the variables bound so far. An aggregate's body stays in one function.
SPLIT_LOOPS = 10
SPLIT_INDENT = 30
MAX_LOOPS = 19  # Python's limit is 20 nested blocks
MAX_INDENT = 95  # ... and 100 levels of indentation
# The most literals one rule body (or goal) may have, after `;` is expanded: a longer body is
# a diagnostic (each `SPLIT_LOOPS` atoms cost a nested call, and the recursion depth is bounded).
MAX_BODY = 4_096


@attrs.frozen
class RulePlan:
    clause: ast.Clause | None
    delta_position: int | None  # body position read from the delta, None for a full variant
    delta_relation: str | None
    source: str = attrs.field(repr=False)
    code: object = attrs.field(repr=False, eq=False)
    constants: tuple = attrs.field(repr=False, eq=False)
    relations: tuple[str, ...] = ()
    indexes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # hash indexes it probes
    scanned: tuple[str, ...] = ()  # relations it reads in full
    # head columns that may hold a string or integer the rule computes (for the memory budget)
    made: tuple[int, ...] = ()

    def bind(self, relations: dict, context: dict) -> Callable:
        """The runnable function `run(delta, emit)` over these relation objects."""
        namespace = dict(_HELPERS)
        namespace.update(context)
        for i, value in enumerate(self.constants):
            namespace[f"C{i}"] = value
        exec(self.code, namespace)
        return namespace["make"](relations)

    def describe(self) -> str:
        return self.source


_NONE = object()

_HELPERS = {
    "_E": (),
    "bisect_left": bisect_left,
    "bisect_right": bisect_right,
    "_NONE": _NONE,
    "fsum": math.fsum,
    "int_div": functors.int_div,
    "int_mod": functors.int_mod,
    "float_div": functors.float_div,
    "int_pow": functors.int_pow,
    "fmod": functors.float_mod,
    "float_pow": functors.float_pow,
    "add_days": functors.add_days,
    "days": functors.days,
    "substr": functors.substr,
    "to_number": functors.to_number,
    "to_unsigned": functors.to_unsigned,
    "to_float": functors.to_float,
    "to_date": functors.to_date,
    "to_string": functors.to_string,
    "compile_pattern": functors.compile_pattern,
    "too_big": functors.too_big,
    "too_long": functors.too_long,
    "_BIG": BIG,
    "_patterns": None,  # replaced per evaluation by the context
}


def expression_type(term: ast.Term, types: dict[str, str]) -> str | None:
    """The base type of a checked term (integer literals count as number)."""
    if isinstance(term, ast.Var):
        return types.get(term.name)
    if isinstance(term, ast.Const):
        return term.kind
    if isinstance(term, ast.Aggregate):
        if term.op == "count":
            return "number"
        if term.op == "mean":
            return "float"
        return expression_type(term.target, types) if term.target is not None else None
    if isinstance(term, ast.Call):
        arg_types = [expression_type(a, types) for a in term.args]
        op = term.op
        if op in ("+", "-") and "date" in arg_types:
            return "date"
        if op == "+" and "symbol" in arg_types:
            return "symbol"
        if op in ("+", "-", "*", "/", "%", "^", "neg", "min", "max"):
            if "float" in arg_types:
                return "float"
            if "unsigned" in arg_types:
                return "unsigned"
            return next((t for t in arg_types if t is not None), "number")
        return {
            "cat": "symbol", "strlen": "number", "substr": "symbol", "to_number": "number",
            "to_unsigned": "unsigned", "to_float": "float", "to_string": "symbol", "ord": "number",
            "date": "date", "days": "number",
        }.get(op)
    return None


class _Generator:
    """Writes the code of one plan."""

    def __init__(self, schemas: dict[str, RelationSchema], types: dict[str, str]):
        self.schemas = schemas
        self.types = types
        self.lines: list[str] = []
        self.prelude: list[str] = []
        self.indent = 2
        self.constants: list[object] = []
        self.relations: dict[str, str] = {}  # relation name -> local name
        self.indexes: dict[tuple[str, tuple[int, ...]], str] = {}
        self.sorted_indexes: dict[tuple[str, tuple[int, ...], int], str] = {}
        self.counter = itertools.count()
        self.var_names: dict[str, str] = {}
        # Nesting: the loops open in the function being written, and a stack of scopes (the
        # function's body, then each aggregate's body inside it), each with the loops opened in
        # it and how to skip the rest of the body at its top, outside any loop ("return ...",
        # or None inside an aggregate: there the rest is nested under an `if`).
        self.loops = 0
        self.scopes: list[list] = [[0, "return"]]
        self.functions: list[tuple[str, list[str]]] = []  # the continuations (see SPLIT_LOOPS)
        self.assigned: set[str] = set()  # variables bound by `X = expr` (computed values)
        self.head_names: set[str] = set()  # the variables the emitted tuple reads
        self.counts: list[tuple[list[str], int]] = []  # where each loop counts its iterations
        self.ranges = True  # whether range conditions may read sorted indexes
        # For a scan on bound columns, the columns of the index to probe: those columns, or an
        # index already built on some of them (the loop then checks the others).
        # (no columns: read every tuple, comparing the bound columns).
        self.choose_index: Callable[[str, tuple[int, ...]], tuple[int, ...]] | None = None
        self.scanned: list[str] = []  # relations read in full (by a scan with no index)

    # ---- naming ----------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def var(self, name: str) -> str:
        local = self.var_names.get(name)
        if local is None:
            # Every character but letters and digits is escaped (`_` too), so that distinct
            # names, including the scheduler's temporaries, never share a local.
            local = "v_" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}_", name)
            self.var_names[name] = local
        return local

    def relation(self, name: str) -> str:
        local = self.relations.get(name)
        if local is None:
            local = f"R{len(self.relations)}"
            self.relations[name] = local
        return local

    def index(self, name: str, columns: tuple[int, ...]) -> str:
        key = (name, columns)
        local = self.indexes.get(key)
        if local is None:
            local = f"I{len(self.indexes)}"
            self.indexes[key] = local
            self.prelude.append(f"{local} = {self.relation(name)}.index({columns!r})")
        return local

    def sorted_index(self, name: str, columns: tuple[int, ...], column: int) -> str:
        """The local holding a sorted index; with no key columns, the locals `K<n>, V<n>`
        holding its one bucket's values and rows (modified in place, so read once)."""
        key = (name, columns, column)
        local = self.sorted_indexes.get(key)
        if local is None:
            number = len(self.sorted_indexes)
            local = f"S{number}" if columns else f"K{number}, V{number}"
            self.sorted_indexes[key] = local
            index = f"{self.relation(name)}.sorted_index({columns!r}, {column})"
            self.prelude.append(f"{local} = {index}" if columns else f"{local} = {index}.get(())")
        return local

    def const(self, value: object) -> str:
        if isinstance(value, bool) or isinstance(value, datetime.date):
            self.constants.append(value)
            return f"C{len(self.constants) - 1}"
        if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
            self.constants.append(value)
            return f"C{len(self.constants) - 1}"
        return repr(value)

    def where(self, node) -> str:
        """A constant holding `node`'s span, passed to functors that can fail so that the
        evaluation error points at the application that failed."""
        self.constants.append(node.span)
        return f"C{len(self.constants) - 1}"

    def line(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)

    def open(self, text: str) -> None:
        if self.indent >= MAX_INDENT:
            raise _TooDeep
        self.line(text)
        self.indent += 1

    def guard(self, condition: str) -> None:
        """Go on with the rest of the body only if `condition` holds: `continue` (or `return`
        at a function's top) when it does not, so that filters do not nest; an `if` block at
        the top of an aggregate's body."""
        loops, exit_ = self.scopes[-1]
        if loops:
            self.line(f"if not ({condition}): continue")
        elif exit_ is not None:
            self.line(f"if not ({condition}): {exit_}")
        else:
            self.open(f"if {condition}:")

    def loop(self, header: str) -> None:
        """Open a loop whose every iteration counts towards the next limit check: every `_n`
        iterations (of this loop or any other of the rule), `check` tests the limits and says
        when to call it again (see `Budget.check`), so the work between two checks is bounded
        however the loops nest, and a cheap loop does not pay a call per row."""
        if self.loops >= MAX_LOOPS:
            raise _TooDeep
        self.open(header)
        self.loops += 1
        self.scopes[-1][0] += 1
        self.counts.append((self.lines, len(self.lines)))
        self.line("_n -= 1")
        self.line("if not _n: _n = check(_b)")

    def split(self, bound: set[str]) -> None:
        """Write the rest of the body into a new function, called here with the variables
        `bound` so far that it uses (and the loop counter, returned with the bytes made)."""
        name = f"k{len(self.functions)}"
        params = ", ".join(["_n", "_b", "emit", "check", "delta", *(self.var(n) for n in sorted(bound))])
        self.line(f"_n, _b = {name}({params})")
        self.lines = []
        self.functions.append((f"def {name}({params}):", self.lines))
        self.indent = 2
        self.loops = 0
        self.scopes = [[0, "return _n, _b"]]

    # ---- expressions -----------------------------------------------------------------
    def expr(self, term: ast.Term, bound: set[str], want: str | None = None) -> str:
        if isinstance(term, ast.Var):
            return self.var(term.name)
        if isinstance(term, ast.Const):
            value = term.value
            if want == "float" and term.kind == "number":
                try:
                    value = float(value)
                except OverflowError:
                    raise CheckError(error("this integer is too large for a float", term.span)) from None
            return self.const(value)
        if isinstance(term, ast.Aggregate):
            return self.aggregate(term, bound)
        if isinstance(term, ast.Call):
            return self.call(term, bound, want)
        raise AssertionError(f"unexpected term {term!r}")

    def call(self, term: ast.Call, bound: set[str], want: str | None) -> str:
        op = term.op
        result = expression_type(term, self.types)
        numeric_want = result if result in NUMERIC else None
        if want == "unsigned" and result == "number":  # integer literals stored as unsigned
            result = "unsigned"
        args = [self.expr(a, bound, numeric_want if op not in ("days", "substr") else None) for a in term.args]
        arg_types = [expression_type(a, self.types) for a in term.args]
        if op == "+":
            if result == "date":
                if arg_types[0] == "date":
                    return f"add_days({args[0]}, {args[1]}, {self.where(term)})"
                return f"add_days({args[1]}, {args[0]}, {self.where(term)})"
            if result == "symbol":
                return self.bounded_string(f"{args[0]} + {args[1]}", term)
            return self.bounded_int(f"{args[0]} + {args[1]}", result, term)
        if op == "-":
            if result == "date":
                return f"add_days({args[0]}, -({args[1]}), {self.where(term)})"
            return self.bounded_int(f"{args[0]} - {args[1]}", result, term)
        if op == "*":
            return self.bounded_int(f"{args[0]} * {args[1]}", result, term)
        if op == "/":
            if result == "float":
                return f"float_div({args[0]}, {args[1]})"
            return f"int_div({args[0]}, {args[1]}, {self.where(term)})"
        if op == "%":
            if result == "float":
                return f"fmod({args[0]}, {args[1]})"
            return f"int_mod({args[0]}, {args[1]}, {self.where(term)})"
        if op == "^":
            if result == "float":
                return f"float_pow({args[0]}, {args[1]})"
            return f"int_pow({args[0]}, {args[1]}, {self.where(term)})"
        if op == "neg":
            if result == "unsigned":
                return self.bounded_int(f"-{args[0]}", result, term)
            return f"(-{args[0]})"
        if op in ("min", "max"):
            return f"{op}({', '.join(args)})"
        if op == "cat":
            if len(args) == 1:
                return args[0]
            return self.bounded_string(" + ".join(args), term)
        if op == "strlen":
            return f"len({args[0]})"
        if op == "date":
            return f"to_date({args[0]}, {self.where(term)})"
        if op == "ord":
            return f"ord_of({args[0]})"
        if op in ("substr", "to_number", "to_unsigned", "to_float"):
            return f"{op}({', '.join(args)}, {self.where(term)})"
        if op in ("days", "to_string"):
            return f"{op}({', '.join(args)})"
        raise AssertionError(f"no code for functor {op}")

    def bounded_int(self, code: str, result: str | None, term: ast.Term) -> str:
        """An integer result, checked against the per-value limit as it is made (and, for
        an unsigned, to be non-negative); floats are not checked."""
        if result not in INTEGRAL:
            return f"({code})"
        low = "0 <=" if result == "unsigned" else "-_BIG <"
        return f"(_t if {low} (_t := {code}) < _BIG else too_big(_t, {self.where(term)}))"

    def bounded_string(self, code: str, term: ast.Term) -> str:
        """A string result, checked against the per-value limit on its length."""
        return f"(_t if len(_t := {code}) <= {MAX_STRING} else too_long(_t, {self.where(term)}))"

    def aggregate(self, term: ast.Aggregate, bound: set[str]) -> str:
        """Emit the loops computing an aggregate; returns the name holding its value.

        For min, max and mean, which have no value over no matches, the code after this
        point is nested under a test that a value was found. Float sums and means are computed
        with `math.fsum` over the values collected: correctly rounded, so the answer does not
        depend on the order the tuples happen to be visited in."""
        result = self.fresh("a")
        target_type = expression_type(term.target, self.types) if term.target is not None else None
        exact = term.op == "mean" or (term.op == "sum" and target_type == "float")
        if term.op == "count":
            self.line(f"{result} = 0")
        elif exact:
            self.line(f"{result}_v = []")
        elif term.op == "sum":
            self.line(f"{result} = 0")
        else:
            self.line(f"{result} = _NONE")
        seen = None
        if term.op in ("sum", "mean") and _materialised(term):
            # Soufflé evaluates a body of several atoms (or with a repeated variable) through
            # a relation over its named variables: each distinct binding counts once.
            local = sorted({n for lit in term.body for n in ast.literal_variables(lit)} - bound)
            seen = self.fresh("seen")
            self.line(f"{seen} = set()")
        outer_indent, outer_loops = self.indent, self.loops
        self.scopes.append([0, None])
        inner_bound = set(bound)
        steps = schedule(term.body, inner_bound, None)
        if self.ranges:
            steps = use_sorted_indexes(steps, inner_bound, self.types, self.schemas)
        self.steps(steps, inner_bound)
        if seen:
            key = "(" + "".join(f"{self.var(n)}, " for n in local) + ")"
            self.guard(f"{key} not in {seen}")
            self.line(f"{seen}.add({key})")
        if term.op == "count":
            self.line(f"{result} += 1")
        elif exact:
            self.line(f"{result}_v.append({self.expr(term.target, inner_bound)})")
        elif term.op == "sum":
            self.line(f"{result} += {self.expr(term.target, inner_bound)}")
        else:
            value = self.fresh("t")
            self.line(f"{value} = {self.expr(term.target, inner_bound)}")
            better = "<" if term.op == "min" else ">"
            self.open(f"if {result} is _NONE or {value} {better} {result}:")
            self.line(f"{result} = {value}")
        self.indent, self.loops = outer_indent, outer_loops
        self.scopes.pop()
        if term.op == "mean":
            self.guard(f"{result}_v")
            self.line(f"{result} = fsum({result}_v) / len({result}_v)")
        elif exact:
            self.line(f"{result} = fsum({result}_v)")
        elif term.op in ("min", "max"):
            self.guard(f"{result} is not _NONE")
        elif term.op == "sum" and target_type in INTEGRAL:
            self.line(f"if not -_BIG < {result} < _BIG: too_big({result}, {self.where(term)})")
        return result

    # ---- steps -----------------------------------------------------------------------
    def steps(self, steps: list, bound: set[str]) -> None:
        top = len(self.scopes) == 1
        names = [_names(step[1:]) for step in steps] if top else []
        remaining = collections.Counter(n for step_names in names for n in step_names)
        for index, step in enumerate(steps):
            kind = step[0]
            if top and (self.loops >= SPLIT_LOOPS or self.indent >= SPLIT_INDENT):
                self.split({n for n in bound if remaining[n] or n in self.head_names})
            if top:
                remaining.subtract(names[index])
            if kind == "scan":
                self.scan(step[1], bound, delta=False)
            elif kind == "delta":
                self.scan(step[1], bound, delta=True)
            elif kind == "range":
                self.range_scan(step[1], bound, step[2], step[3])
            elif kind == "assign":
                _, var, term = step
                want = self.types.get(var.name)
                self.line(f"{self.var(var.name)} = {self.expr(term, bound, want)}")
                bound.add(var.name)
                self.assigned.add(var.name)
            elif kind == "filter":
                self.guard(self.condition(step[1], bound))
            elif kind == "negation":
                self.negation(step[1], bound)

    def condition(self, literal: ast.Literal, bound: set[str]) -> str:
        if isinstance(literal, ast.Truth):
            return "True" if literal.value else "False"
        if isinstance(literal, ast.Test):
            a, b = (self.expr(arg, bound) for arg in literal.args)
            if literal.op == "contains":
                text = f"({a} in {b})"
            else:
                text = f"(compile_pattern({a}, _patterns, {self.where(literal)}).fullmatch({b}) is not None)"
            return f"not {text}" if literal.negated else text
        assert isinstance(literal, ast.Comparison)
        lt = expression_type(literal.left, self.types)
        rt = expression_type(literal.right, self.types)
        left = self.expr(literal.left, bound, rt if rt in NUMERIC else None)
        right = self.expr(literal.right, bound, lt if lt in NUMERIC else None)
        op = "==" if literal.op == "=" else literal.op
        return f"{left} {op} {right}"

    def atom_key(self, atom: ast.Atom, bound: set[str]) -> tuple[list[int], list[str]]:
        schema = self.schemas[atom.relation]
        columns, parts = [], []
        for i, arg in enumerate(atom.args):
            if isinstance(arg, ast.Wildcard):
                continue
            if isinstance(arg, ast.Var) and arg.name not in bound:
                continue
            columns.append(i)
            parts.append(self.expr(arg, bound, schema.bases[i]))
        return columns, parts

    def scan(self, atom: ast.Atom, bound: set[str], delta: bool, source: str | None = None) -> None:
        """Loop over the rows of `atom` that match the bound variables: from the delta, from a
        hash index on the bound columns, from all tuples, or from `source` (a slice of a
        sorted index, all of whose rows match the bound columns)."""
        columns, parts = self.atom_key(atom, bound)
        arity = len(atom.args)
        if source is None and not delta and len(columns) == arity:
            key = f"({parts[0]},)" if arity == 1 else f"({', '.join(parts)})"
            if arity == 0:
                key = "()"
            self.guard(f"{key} in {self.relation(atom.relation)}.tuples")
            return
        # The bound columns the loop checks itself (rather than the index or slice it reads):
        # all of them for the delta; for an index on a subset of them, the others.
        probed = tuple(columns)
        if source is None and not delta and columns and self.choose_index is not None:
            probed = self.choose_index(atom.relation, probed)
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
        self.loop(f"for {pattern} in {source}:")
        for arg in atom.args:
            if isinstance(arg, ast.Var):
                bound.add(arg.name)
        if checks:
            self.guard(" and ".join(checks))

    def range_scan(self, atom: ast.Atom, bound: set[str], column: int, bounds: tuple) -> None:
        """Loop over the rows of `atom` whose `column` is within `bounds`, read from a sorted
        index: per key of the bound columns, the values of `column` in ascending order (`k`)
        and the rows (`r`); each bound narrows the slice `lo:hi` by one bisection within it.

        `bounds` are `(op, term, may_fail)`, `column op term`, in the order the comparisons
        would have been tested. A term that may fail (`D1 + 30` on dates) is computed only if
        the slice so far is not empty, so that it fails exactly when the filter would have."""
        columns, parts = self.atom_key(atom, bound)
        schema = self.schemas[atom.relation]
        base = schema.bases[column]
        local = self.sorted_index(atom.relation, tuple(columns), column)
        if columns:
            bucket = self.fresh("b")
            key = parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
            values, rows = self.fresh("k"), self.fresh("r")
            self.line(f"{bucket} = {local}.get({key})")
            self.guard(f"{bucket} is not None")
            self.line(f"{values}, {rows} = {bucket}")
        else:
            values, rows = local.split(", ")
        lo = hi = None
        for op, term, may_fail in bounds:
            if may_fail:
                if lo is None and hi is None:
                    self.guard(f"{values}")
                else:
                    self.guard(f"{lo or 0} < {hi or f'len({values})'}")
            want = base if base in NUMERIC else None
            value = self.expr(term, bound, want)
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

            def bisect(side: str) -> str:
                window = f", {lo}" if lo else ""
                if hi:
                    window = f", {lo or 0}, {hi}"
                return f"bisect_{side}({values}, {value}{window})"

            if op in (">", ">=", "="):
                new_lo = lo or self.fresh("lo")
                self.line(f"{new_lo} = {bisect('right' if op == '>' else 'left')}")
                lo = new_lo
            if op in ("<", "<=", "="):
                new_hi = hi or self.fresh("hi")
                self.line(f"{new_hi} = {bisect('left' if op == '<' else 'right')}")
                hi = new_hi
        self.scan(atom, bound, delta=False, source=f"{rows}[{lo or ''}:{hi or ''}]")

    def negation(self, literal: ast.Negation, bound: set[str]) -> None:
        atom = literal.atom
        columns, parts = self.atom_key(atom, bound)
        arity = len(atom.args)
        if len(columns) == arity:
            key = "()" if arity == 0 else (f"({parts[0]},)" if arity == 1 else f"({', '.join(parts)})")
            self.guard(f"{key} not in {self.relation(atom.relation)}.tuples")
        elif not columns:
            self.guard(f"not {self.relation(atom.relation)}.tuples")
        else:
            index = self.index(atom.relation, tuple(columns))
            key = parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
            self.guard(f"{key} not in {index}")


def _computes(body: tuple[ast.Literal, ...], head_terms: tuple[ast.Term, ...]) -> bool:
    """Whether a rule applies a functor or a test (`match`, `contains`): work per row that
    the value limits bound, but not by a small constant."""
    stack: list = [body, head_terms]
    while stack:
        item = stack.pop()
        if isinstance(item, (ast.Call, ast.Test)):
            return True
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, ast.Atom):
            stack.extend(item.args)
        elif isinstance(item, ast.Negation):
            stack.append(item.atom)
        elif isinstance(item, ast.Comparison):
            stack += [item.left, item.right]
        elif isinstance(item, ast.Aggregate):
            stack += [item.target, item.body]
    return False


def _names(node) -> set[str]:
    """Every variable named in a node of the syntax tree (or a tuple of them), aggregates'
    bodies included."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Var):
            found.add(item.name)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, (ast.Atom, ast.Call, ast.Test)):
            stack.extend(item.args)
        elif isinstance(item, ast.Negation):
            stack.append(item.atom)
        elif isinstance(item, ast.Comparison):
            stack += [item.left, item.right]
        elif isinstance(item, ast.Aggregate):
            stack += [item.target, item.body]
    return found


class _TooDeep(Exception):
    """The code of a plan would nest deeper than Python allows (inside one aggregate)."""


def _materialised(aggregate: ast.Aggregate) -> bool:
    """Whether Soufflé would evaluate this aggregate's body through a helper relation."""
    atoms = [lit for lit in aggregate.body if isinstance(lit, ast.Atom)]
    if len(atoms) != 1:
        return True
    names = [a.name for a in atoms[0].args if isinstance(a, ast.Var)]
    return len(names) != len(set(names))


def schedule(body: tuple[ast.Literal, ...], bound: set[str], delta_position: int | None,
             cost: Callable[[str, tuple[int, ...]], float] | None = None) -> list:
    """Order a conjunctive body. `bound` holds the variables bound on entry (not modified).

    Returns steps: ('delta', atom), ('scan', atom), ('assign', var, term), ('filter', literal),
    ('negation', literal). `use_sorted_indexes` then turns some scans into range scans.

    The next atom is the one with the most bound columns; among those, one that a pending
    comparison bounds (`D2 <= D1 + 30`, with `D1` known and `D2` the atom's), then the first.

    An atom may be scanned before the variables of an expression argument are bound (the
    delta atom always comes first, e.g. `fib(I - 1, A)`): that argument is then read into a
    temporary variable, and `temporary = expression` is checked once it can be computed.

    With `cost(relation, bound_columns)` (the rows one probe would examine), the next atom is
    instead the cheapest to read: used for plans that may not build indexes."""
    from reasoner.analysis.safety import injected_variables

    literals = list(body)
    known = set(bound)
    # Pending literals: atoms, and the others (comparisons, negations...), by position.
    atoms = [p for p, lit in enumerate(body) if isinstance(lit, ast.Atom)]
    others = [p for p, lit in enumerate(body) if not isinstance(lit, ast.Atom)]
    steps: list = []
    temporaries = itertools.count()

    def computable(term: ast.Term) -> bool:
        if isinstance(term, ast.Var):
            return term.name in known
        if isinstance(term, ast.Wildcard):
            return False
        if isinstance(term, ast.Call):
            return all(computable(a) for a in term.args)
        if isinstance(term, ast.Aggregate):
            return all(v in known for v in injected_variables(term, body, None))
        return True

    # The score of each pending atom, kept until a variable it uses becomes known (so that
    # choosing the next atom of a long body does not look at every argument of every atom);
    # an atom with an aggregate argument is scored afresh every time.
    scores: dict[int, tuple] = {}
    atoms_left = set(atoms)
    stale = set(atoms)
    volatile = {p for p in atoms if any(isinstance(a, ast.Aggregate) for a in body[p].args)}
    users: dict[str, list[int]] = {}  # variable -> the atoms that use it
    for position in atoms:
        for arg in body[position].args:
            for name in ast.term_variables(arg):
                users.setdefault(name, []).append(position)

    def learn(names) -> None:
        for name in names:
            if name not in known:
                known.add(name)
                stale.update(users.get(name, ()))

    def place(position: int, kind: str) -> None:
        atom = literals[position]
        args = []
        for arg in atom.args:
            if isinstance(arg, (ast.Var, ast.Wildcard)) or computable(arg):
                args.append(arg)
            else:
                temporary = ast.Var(f"~{next(temporaries)}", arg.span)  # `~`: no user name
                args.append(temporary)
                literals.append(ast.Comparison("=", temporary, arg, arg.span))
                others.append(len(literals) - 1)
        atom = ast.Atom(atom.relation, tuple(args), atom.span)
        steps.append((kind, atom))
        learn([a.name for a in atom.args if isinstance(a, ast.Var)])
        atoms.remove(position)
        atoms_left.discard(position)
        scores.pop(position, None)
        volatile.discard(position)

    if delta_position is not None:
        place(delta_position, "delta")

    def score(position: int) -> tuple:
        """(usable, rows examined or bound columns, -position): the larger, the sooner."""
        atom = literals[position]
        usable = all(
            isinstance(a, (ast.Var, ast.Wildcard)) or computable(a) for a in atom.args
        )
        columns = tuple(
            i for i, a in enumerate(atom.args)
            if not isinstance(a, ast.Wildcard) and (not isinstance(a, ast.Var) or a.name in known)
        )
        if cost is not None:
            return (usable, -cost(atom.relation, columns), len(columns), -position)
        return (usable, len(columns), -position)

    while atoms or others:
        placed = True
        while placed:
            placed = False
            for position in list(others):
                literal = literals[position]
                step = None
                if isinstance(literal, ast.Comparison) and literal.op == "=":
                    left, right = literal.left, literal.right
                    if isinstance(left, ast.Var) and left.name not in known and computable(right):
                        step = ("assign", left, right)
                    elif isinstance(right, ast.Var) and right.name not in known and computable(left):
                        step = ("assign", right, left)
                if step is None:
                    terms = ast.literal_terms(literal)
                    ready = all(
                        isinstance(t, ast.Wildcard) and isinstance(literal, ast.Negation) or computable(t)
                        for t in terms
                    )
                    if ready:
                        step = ("negation" if isinstance(literal, ast.Negation) else "filter", literal)
                if step is not None:
                    steps.append(step)
                    if step[0] == "assign":
                        learn([step[1].name])
                    others.remove(position)
                    placed = True
        if not atoms:
            if others:
                raise AssertionError(f"cannot schedule {[str(literals[p]) for p in others]}")
            break
        for position in stale | volatile:
            if position in scores or position in atoms_left:
                scores[position] = score(position)
        stale.clear()
        best = max(atoms, key=scores.__getitem__)
        ranged = _range_bounded(literals, others, known, computable) if cost is None and SORTED_INDEXES else ()
        if ranged:
            # Among the atoms as good as the best, the first that a pending comparison bounds
            # (`D2 <= D1 + 30`, with `D1` known and `D2` the atom's): its scan becomes a range.
            top = scores[best][:2]
            best = next((p for p in sorted(atoms) if scores[p][:2] == top and any(
                isinstance(a, ast.Var) and a.name in ranged for a in literals[p].args)), best)
        place(best, "scan")
    return steps


def _range_bounded(literals: list, others: list[int], known: set[str], computable) -> set[str]:
    """The unknown variables that a pending comparison bounds by a term of known variables."""
    names = set()
    for p in others:
        literal = literals[p]
        if isinstance(literal, ast.Comparison) and literal.op in _RANGE_OPS:
            for side, other in ((literal.left, literal.right), (literal.right, literal.left)):
                if (isinstance(side, ast.Var) and side.name not in known and computable(other)
                        and ast.term_variables(other) and not ast.aggregates_in(other)):
                    names.add(side.name)
    return names


_RANGE_OPS = frozenset({"<", "<=", ">", ">=", "="})
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}
# Functors whose generated code cannot fail (given checked types); `+` and `-` on dates can.
_PURE_CALLS = frozenset({"+", "-", "*", "neg", "min", "max", "cat", "strlen", "ord", "days", "to_string"})


def _pure(term: ast.Term, types: dict[str, str]) -> bool:
    """Whether computing `term` can never raise an evaluation error."""
    if isinstance(term, (ast.Var, ast.Const, ast.Wildcard)):
        return True
    if isinstance(term, ast.Call):
        if term.op in ("/", "%", "^"):
            pure = expression_type(term, types) == "float"  # float_div and friends never fail
        else:
            pure = term.op in _PURE_CALLS and expression_type(term, types) != "date"
        return pure and all(_pure(a, types) for a in term.args)
    return False


def _safe(step: tuple, types: dict[str, str]) -> bool:
    """Whether a step can never raise an evaluation error."""
    kind = step[0]
    if kind == "assign":
        return _pure(step[2], types)
    if kind == "filter":
        literal = step[1]
        if isinstance(literal, ast.Truth):
            return True
        if isinstance(literal, ast.Test) and literal.op != "contains":
            return False  # `match` compiles its pattern, which may be invalid
        return all(_pure(t, types) for t in ast.literal_terms(literal))
    if kind == "negation":
        return all(_pure(t, types) for t in ast.literal_terms(step[1]))
    return False


def use_sorted_indexes(steps: list, bound: set[str], types: dict[str, str],
                       schemas: dict[str, RelationSchema]) -> list:
    """Turn each scan followed by comparisons that bound a column it binds into a range scan.

    `bound` holds the variables bound on entry (not modified). A scan becomes
    `('range', atom, column, bounds)`, `bounds` being `(op, term, may_fail)` for `column op
    term`, when the steps right after it compare a variable it binds (once, in a column of an
    ordered base type) with terms of variables bound before it; the comparisons used as bounds
    are dropped from the steps, as the slice implies them. The first column so compared is the
    range column. Comparisons are only taken while the steps before them cannot fail (a range
    visits fewer rows than the filters did, so a failing step it skips would hide an error),
    and one whose own term may fail only if every step before it is a bound too.

    Only a scan inside another loop (or inside an aggregate's body with variables bound from
    outside) is worth an index: the outermost one runs once per run of the plan, and a filter
    over every row costs less than sorting them."""
    if not SORTED_INDEXES:
        return steps
    known = set(bound)
    nested = bool(bound)
    result: list = []
    position = 0
    while position < len(steps):
        step = steps[position]
        kind = step[0]
        position += 1
        if kind == "assign":
            known.add(step[1].name)
        if kind != "scan" or not nested:
            if kind in ("scan", "delta"):
                known.update(ast.literal_variables(step[1]))
                nested = True
            result.append(step)
            continue
        atom = step[1]
        names = [a.name for a in atom.args if isinstance(a, ast.Var) and a.name not in known]
        schema = schemas[atom.relation]
        candidates = {
            a.name: i for i, a in enumerate(atom.args)
            if isinstance(a, ast.Var) and a.name not in known and names.count(a.name) == 1
            and schema.bases[i] in BASE_TYPES
        }
        before = set(known)
        known.update(names)
        column = None
        bounds: list = []
        used: set[int] = set()
        clean = len(names) == len(set(names))  # no check on the scanned row comes first
        for later in range(position, len(steps)):
            follower = steps[later]
            if follower[0] in ("scan", "delta", "range"):
                break
            literal = follower[1]
            found = None
            if follower[0] == "filter" and isinstance(literal, ast.Comparison) and literal.op in _RANGE_OPS:
                for side, other, op in ((literal.left, literal.right, literal.op),
                                        (literal.right, literal.left, _MIRRORED[literal.op])):
                    if (isinstance(side, ast.Var) and side.name in candidates
                            and (column is None or candidates[side.name] == column)
                            and not ast.aggregates_in(other)
                            and set(ast.term_variables(other)) <= before):
                        found = (candidates[side.name], op, other)
                        break
            if found is not None:
                may_fail = not _pure(found[2], types)
                if may_fail and not clean:
                    break
                column = found[0]
                bounds.append((found[1], found[2], may_fail))
                used.add(later)
                continue
            if not _safe(follower, types):
                break
            clean = False
        if not bounds:
            result.append(step)
            continue
        result.append(("range", atom, column, tuple(bounds)))
        rest = [s for i, s in enumerate(steps) if i >= position and i not in used]
        steps = steps[:position] + rest
    return result


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
    choose_index: Callable[[str, tuple[int, ...]], tuple[int, ...]] | None = None,
    cost: Callable[[str, tuple[int, ...]], float] | None = None,
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
    gen = _Generator(schemas, types)
    gen.ranges = ranges
    gen.choose_index = choose_index
    bound: set[str] = set()
    steps = schedule(body, bound, delta_position, cost)
    if ranges:
        steps = use_sorted_indexes(steps, bound, types, schemas)
    run_lines = gen.lines
    gen.head_names = _names(tuple(head_terms))
    try:
        gen.steps(steps, bound)
    except _TooDeep:
        raise CheckError(error(
            "this rule nests too deeply to be compiled: an aggregate's body joins too many atoms",
            span, "compute part of the aggregate's body in a relation of its own")) from None
    values, made, sized = [], [], []
    for column, (term, want) in enumerate(zip(head_terms, head_types)):
        value = gen.expr(term, bound, want)
        computed = not isinstance(term, (ast.Var, ast.Const)) or (
            isinstance(term, ast.Var) and term.name in gen.assigned)
        if computed and want in ("symbol", "number", "unsigned"):
            made.append(column)
            if want == "symbol":  # counted as it is made, for the memory budget
                if not isinstance(term, ast.Var):
                    temporary = gen.fresh("h")
                    gen.line(f"{temporary} = {value}")
                    value = temporary
                sized.append(value)
        values.append(value)
    if len(values) == 1:
        gen.line(f"emit(({values[0]},))")
    else:
        gen.line(f"emit(({', '.join(values)}))")
    if sized:
        gen.line(f"_b += {' + '.join(f'len({v})' for v in sized)}")
    if len(gen.counts) > 1 and not sized and not _computes(body, head_terms):
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
    code = compile(source, f"<plan {title or 'query'}>", "exec")
    delta_relation = body[delta_position].relation if delta_position is not None else None
    return RulePlan(clause, delta_position, delta_relation, source, code, tuple(gen.constants),
                    tuple(gen.relations), tuple(gen.indexes), tuple(gen.scanned), tuple(made))


def compile_rule(
    clause: ast.Clause,
    schemas: dict[str, RelationSchema],
    types: dict[str, str],
    delta_position: int | None,
    ranges: bool = True,
    choose_index: Callable[[str, tuple[int, ...]], tuple[int, ...]] | None = None,
    cost: Callable[[str, tuple[int, ...]], float] | None = None,
) -> RulePlan:
    schema = schemas[clause.head.relation]
    variant = "full" if delta_position is None else f"delta on body atom {delta_position + 1}"
    where = f"{clause.span}" if clause.span else ""
    title = f"{clause}  [{variant}] {where}".strip()
    return compile_plan(clause.body, clause.head.args, schema.bases, schemas, types,
                        delta_position, clause, title.replace("\n", " "), ranges, choose_index, cost)
