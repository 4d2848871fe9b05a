"""Type inference and checking of one clause (or goal) against the relation schemas.

Each variable takes the base type of the columns it appears in; `X = expr` gives X the type
of expr. Integer literals are polymorphic (they fit number, unsigned and float columns), as in
Soufflé. Every constant, functor application, comparison and atom argument is then checked.
"""

from __future__ import annotations

from reasoner import ast
from reasoner.analysis import records as record_checks
from reasoner.errors import Diagnostic, error
from reasoner.functors import FUNCTORS
from reasoner.program import RelationSchema
from reasoner.records import RecordTypes, is_record_op
from reasoner.types import NUMERIC

_ARTICLE = {"symbol": "a symbol", "number": "a number", "unsigned": "an unsigned",
            "float": "a float", "date": "a date"}


def describe(base: str) -> str:
    return _ARTICLE.get(base, base)


def infer_clause_types(
    head: ast.Atom | None,
    body: tuple[ast.Literal, ...],
    schemas: dict[str, RelationSchema],
    quiet: bool = False,
    records: RecordTypes | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    checker = _ClauseTyper(schemas, records)
    checker.run(head, body)
    return checker.env, ([] if quiet else checker.diagnostics)


class _ClauseTyper:
    def __init__(self, schemas: dict[str, RelationSchema], records: RecordTypes | None = None):
        self.schemas = schemas
        self.records = records if records is not None else RecordTypes()  # `reasoner.analysis.records`
        self.env: dict[str, str] = {}
        self.origin: dict[str, ast.Var] = {}
        self.diagnostics: list[Diagnostic] = []

    # ---- inference -------------------------------------------------------------------
    def run(self, head: ast.Atom | None, body: tuple[ast.Literal, ...]) -> None:
        atoms = list(self._atoms(body))
        if head is not None:
            atoms.append(head)
        for atom in atoms:
            schema = self.schemas.get(atom.relation)
            if schema is None or len(atom.args) != schema.arity:
                continue
            for arg, base, column in zip(atom.args, schema.bases, schema.columns):
                if isinstance(arg, ast.Var) and base != "?":
                    self.unify(arg, base, f"column `{column}` of `{atom.relation}`")
        equalities = [c for c in self._comparisons(body) if c.op == "="]
        changed = True
        while changed:
            changed = False
            for comparison in equalities:
                for var, other in ((comparison.left, comparison.right), (comparison.right, comparison.left)):
                    if isinstance(var, ast.Var) and var.name not in self.env:
                        found = self.type_of(other, None, report=False)
                        if found is not None:
                            self.env[var.name] = found
                            self.origin[var.name] = var
                            changed = True
        # ---- checking ----
        for literal in body:
            self.check_literal(literal)
        if head is not None:
            self.check_atom(head)

    def unify(self, var: ast.Var, base: str, where: str) -> None:
        known = self.env.get(var.name)
        if known is None:
            self.env[var.name] = base
            self.origin[var.name] = var
        elif known != base:
            first = self.origin[var.name]
            at = f" at {first.span.line}:{first.span.column}" if first.span else ""
            self.diagnostics.append(error(
                f"type mismatch: `{var.name}` is {describe(known)}{at}, but {where} is {describe(base)}",
                var.span,
            ))

    def _atoms(self, body):
        for literal in body:
            yield from ast.literal_atoms(literal)

    def _comparisons(self, body):
        for literal in body:
            if isinstance(literal, ast.Comparison):
                yield literal
            for term in ast.literal_terms(literal):
                for aggregate in ast.aggregates_in(term):
                    yield from self._comparisons(aggregate.body)

    # ---- checking --------------------------------------------------------------------
    def check_literal(self, literal: ast.Literal) -> None:
        if isinstance(literal, ast.Atom):
            self.check_atom(literal)
        elif isinstance(literal, ast.Negation):
            self.check_atom(literal.atom)
        elif isinstance(literal, ast.Comparison):
            self.check_comparison(literal)
        elif isinstance(literal, ast.Test):
            for arg in literal.args:
                found = self.type_of(arg, "symbol")
                if found is not None and found != "symbol":
                    self.diagnostics.append(error(
                        f"`{literal.op}` takes symbols, but `{arg}` is {describe(found)}", arg.span,
                        "convert with to_string(...)"))

    def check_atom(self, atom: ast.Atom) -> None:
        schema = self.schemas.get(atom.relation)
        if schema is None or len(atom.args) != schema.arity:
            return
        for arg, base, column in zip(atom.args, schema.bases, schema.columns):
            if isinstance(arg, ast.Var) or base == "?":
                continue
            found = self.type_of(arg, base)
            if found is not None and found != base:
                hint = None
                if base == "date" and isinstance(arg, ast.Const) and arg.kind == "symbol":
                    hint = f'write the date unquoted, 2025-10-22, or as date("{arg.value}")'
                elif base == "symbol" and isinstance(arg, ast.Const):
                    hint = f'symbols are quoted: "{arg.value}"'
                self.diagnostics.append(error(
                    f"type mismatch: `{arg}` is {describe(found)}, but column `{column}` of "
                    f"`{atom.relation}` is {describe(base)}",
                    arg.span, hint))

    def check_comparison(self, comparison: ast.Comparison) -> None:
        if record_checks.check_comparison(self, comparison):
            return
        left, right = comparison.left, comparison.right
        if is_int_literal(left) and not is_int_literal(right):
            rt = self.type_of(right, None)
            lt = self.type_of(left, rt if rt in NUMERIC else None)
        else:
            lt = self.type_of(left, None)
            rt = self.type_of(right, lt if lt in NUMERIC else None)
        if lt is not None and rt is not None and lt != rt:
            self.diagnostics.append(error(
                f"cannot compare {describe(lt)} with {describe(rt)}: `{comparison}`",
                comparison.span,
                "convert one side with to_number, to_float, to_string or date"))

    def type_of(self, term: ast.Term, expected: str | None, report: bool = True) -> str | None:
        if isinstance(term, ast.Var):
            return self.env.get(term.name)
        if isinstance(term, ast.Wildcard):
            return expected
        if isinstance(term, ast.Const):
            if term.kind == "number" and expected in NUMERIC:
                if report and expected == "float" and not _fits_float(term.value):
                    self.diagnostics.append(error(f"the integer `{_short(term.value)}` is too large for a float",
                                                  term.span, "write it as a float, e.g. 1e300"))
                if report and expected == "unsigned" and term.value < 0:
                    self.diagnostics.append(error(f"an unsigned cannot be negative: `{term}`", term.span))
                return expected
            return term.kind
        if isinstance(term, ast.Aggregate):
            if report:
                for literal in term.body:
                    self.check_literal(literal)
            if term.op == "count":
                return "number"
            target = self.type_of(term.target, expected, report) if term.target is not None else None
            if term.op in ("sum", "mean") and target is not None and target not in NUMERIC:
                if report:
                    self.diagnostics.append(error(
                        f"`{term.op}` needs a numeric value, but `{term.target}` is {describe(target)}",
                        term.span))
                return None
            return "float" if term.op == "mean" and target is not None else target
        if isinstance(term, ast.Call) and term.op.startswith("@"):
            return self.user_call_type(term, report)
        if isinstance(term, ast.Call) and is_record_op(term.op):
            return record_checks.type_of(self, term, expected, report)
        if isinstance(term, ast.Call):
            signature = FUNCTORS.get(term.op)
            if signature is None:
                return None
            args = term.args
            if (report and term.op == "neg" and expected == "unsigned" and isinstance(args[0], ast.Const)
                    and args[0].value != 0):
                self.diagnostics.append(error(f"an unsigned cannot be negative: `{term}`", term.span))
            types: list[str | None] = [None] * len(args)
            for i, arg in enumerate(args):
                if not is_int_literal(arg):
                    types[i] = self.type_of(arg, None, report)
            numeric = [t for t in types if t in NUMERIC]
            literal_type = numeric[0] if numeric else (expected if expected in NUMERIC else "number")
            if signature.own_literals:  # conversions, substr, days: an integer literal is a number
                literal_type = "number"
            for i, arg in enumerate(args):
                if is_int_literal(arg):
                    types[i] = self.type_of(arg, literal_type, report)
            if any(t is None for t in types):
                return None
            try:
                return signature.result(types)  # type: ignore[arg-type]
            except TypeError as exc:
                if report:
                    self.diagnostics.append(error(f"type error: {exc}", term.span))
                return None
        return None


    def user_call_type(self, term: ast.Call, report: bool) -> str | None:
        """The declared result type of `@f(...)`, its arguments checked against the declared
        parameter types (an undeclared functor and a wrong count are reported elsewhere)."""
        functor = term.function
        if functor is None or len(functor.params) != len(term.args):
            return None
        for arg, want in zip(term.args, functor.params):
            found = self.type_of(arg, want, report)
            if report and found is not None and found != want:
                self.diagnostics.append(error(
                    f"`{term.op}` takes {describe(want)} here, but `{arg}` is {describe(found)}", arg.span))
        return functor.result


def _fits_float(value: int) -> bool:
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}...{text[-4:]}"


def is_int_literal(term: ast.Term) -> bool:
    """An integer literal, or arithmetic over integer literals only (`2^32 - 5`): as in
    Soufflé, its type is the numeric type its context wants (number, unsigned or float)."""
    if isinstance(term, ast.Const):
        return term.kind == "number"
    if isinstance(term, ast.Call) and term.op in _LITERAL_ARITHMETIC:
        return all(is_int_literal(arg) for arg in term.args)
    return False


_LITERAL_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "^", "neg", "min", "max", "band", "bor", "bxor",
                                 "bshl", "bshr", "bshru", "bnot"})
