"""Terms and conditions as Python expressions, for the generated code of a plan.

`ExpressionWriter` names variables and constants and writes terms (`expr`) and conditions
(`condition`); `codegen.Generator` extends it with the statements. Integer and string results
are checked against the per-value limits as they are made (`reasoner.limits`).
"""

from __future__ import annotations

import datetime
import math
import re

from reasoner import ast
from reasoner.analysis.typing import is_int_literal
from reasoner.bitwise import WORD
from reasoner.errors import CheckError, error
from reasoner.functors import FUNCTORS, CallSite
from reasoner.limits import MAX_STRING
from reasoner.records import is_record_op, record_code
from reasoner.types import INTEGRAL, NUMERIC

def expression_type(term: ast.Term | None, types: dict[str, str]) -> str | None:
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
        if term.op.startswith("@"):
            return term.function.result if term.function is not None else None
        functor = FUNCTORS.get(term.op)
        if functor is None:
            return None
        return functor.type_of([expression_type(a, types) for a in term.args])
    return None


def pure(term: ast.Term, types: dict[str, str]) -> bool:
    """Whether computing `term` can never raise an evaluation error."""
    if isinstance(term, (ast.Var, ast.Const, ast.Wildcard)):
        return True
    if isinstance(term, ast.Call):
        functor = FUNCTORS.get(term.op)
        return (functor is not None and functor.pure(expression_type(term, types))
                and all(pure(a, types) for a in term.args))
    return False


class ExpressionWriter:
    """Python expressions for the terms of one plan, with its locals and constants."""

    def __init__(self, types: dict[str, str]):
        self.types = dict(types)  # the rule's variable types, and the plan's aggregates'
        self.constants: list[object] = []
        self.var_names: dict[str, str] = {}

    def var(self, name: str) -> str:
        local = self.var_names.get(name)
        if local is None:
            # Every character but letters and digits is escaped (`_` too), so that distinct
            # names, including the scheduler's temporaries, never share a local.
            local = "v_" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}_", name)
            self.var_names[name] = local
        return local

    def const(self, value: object) -> str:
        if isinstance(value, bool) or isinstance(value, datetime.date):
            self.constants.append(value)
            return f"C{len(self.constants) - 1}"
        if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
            self.constants.append(value)
            return f"C{len(self.constants) - 1}"
        return repr(value)

    def constant(self, value: object) -> str:
        """The name of a value the generated code holds (a constant of its plan)."""
        self.constants.append(value)
        return f"C{len(self.constants) - 1}"

    def where(self, node: ast.Term | ast.Literal | ast.Aggregate) -> str:
        """A constant holding `node`'s span, passed to functors that can fail so that the
        evaluation error points at the application that failed."""
        self.constants.append(node.span)
        return f"C{len(self.constants) - 1}"

    def expr(self, term: ast.Term | None, want: str | None = None) -> str:
        if isinstance(term, ast.Var):
            return self.var(term.name)
        if isinstance(term, ast.Const):
            value = term.value
            if want == "float" and term.kind == "number":
                try:
                    value = float(value)  # type: ignore[arg-type]
                except OverflowError:
                    raise CheckError(error("this integer is too large for a float", term.span)) from None
            return self.const(value)
        if isinstance(term, ast.Call):
            return self.call(term, want)
        raise AssertionError(f"unexpected term {term!r}")  # aggregates are steps of their own

    def call(self, term: ast.Call, want: str | None) -> str:
        """An application, as its functor's entry writes it (`reasoner.functors.TABLE`); a
        user-defined functor's (`@f(...)`) calls its `UserFunctor`, a constant of the plan."""
        if term.op.startswith("@"):
            return self.user_call(term)
        if is_record_op(term.op):  # records and algebraic data types
            return record_code(term, self.expr, self.constant)
        functor = FUNCTORS[term.op]
        result = expression_type(term, self.types)
        if want in NUMERIC and result == "number" and is_int_literal(term):
            result = want  # arithmetic over integer literals takes its context's type (`2^32 - 5`)
        # integer literal arguments take the result's numeric type, unless the functor's own
        numeric_want = result if result in NUMERIC and not functor.own_literals else None
        if want == "unsigned" and result == "number":  # integer literals stored as unsigned
            result = "unsigned"
        args = [self.expr(a, numeric_want) for a in term.args]
        site = CallSite(
            args, [expression_type(a, self.types) for a in term.args], result,
            where=lambda: self.where(term),
            bounded_int=lambda code: self.bounded_int(code, result, term),
            bounded_string=lambda code: self.bounded_string(code, term),
        )
        return functor.code(site)

    def user_call(self, term: ast.Call) -> str:
        if term.function is None:
            raise CheckError(error(f"`{term.op}` can be applied in rules loaded into the engine, not in a goal",
                                   term.span, "define a rule that applies it, and ask for that rule's relation"))
        args = [self.expr(a, want) for a, want in zip(term.args, term.function.params)]
        self.constants.append(term.function)
        function = f"C{len(self.constants) - 1}"
        return f"{function}({', '.join([*args, self.where(term)])})"

    def bounded_int(self, code: str, result: str | None, term: ast.Term) -> str:
        """An integer result, checked against the per-value limit as it is made; an unsigned
        wraps around Soufflé's 32-bit word instead (`0u - 1u` is 4294967295); floats are not
        checked."""
        if result == "unsigned":
            return f"(({code}) & {WORD})"
        if result not in INTEGRAL:
            return f"({code})"
        return f"(_t if -_BIG < (_t := {code}) < _BIG else too_big(_t, {self.where(term)}))"

    def bounded_string(self, code: str, term: ast.Term) -> str:
        """A string result, checked against the per-value limit on its length."""
        return f"(_t if len(_t := {code}) <= {MAX_STRING} else too_long(_t, {self.where(term)}))"

    def condition(self, literal: ast.Comparison | ast.Test | ast.Truth) -> str:
        if isinstance(literal, ast.Truth):
            return "True" if literal.value else "False"
        if isinstance(literal, ast.Test):
            a, b = (self.expr(arg) for arg in literal.args)
            if literal.op == "match":  # an invalid pattern: neither `match` nor `!match` holds
                return f"pattern_matches({a}, {b}, _patterns, {self.where(literal)}, {literal.negated})"
            text = f"({a} in {b})"
            return f"not {text}" if literal.negated else text
        lt = expression_type(literal.left, self.types)
        rt = expression_type(literal.right, self.types)
        left = self.expr(literal.left, rt if rt in NUMERIC else None)
        right = self.expr(literal.right, lt if lt in NUMERIC else None)
        op = "==" if literal.op == "=" else literal.op
        return f"{left} {op} {right}"
