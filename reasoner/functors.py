"""Built-in functors and constraints: their arities, result types and implementations.

Arithmetic follows Soufflé: integer `/` and `%` truncate toward zero; `^` is power.
Our extensions on dates: `D + N` and `D - N` shift by N days, `days(D1, D2)` counts the days
from D1 to D2, `date("2025-10-22")` converts a symbol.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Sequence

import attrs

from reasoner.types import INTEGRAL, NUMERIC, display_value, parse_date, parse_number


class FunctorError(Exception):
    """A functor failed on a value (bad conversion, division by zero...). `span` is where the
    failing application is written, when the compiled rule passed it along."""

    def __init__(self, message: str, span: object = None):
        super().__init__(message)
        self.span = span


@attrs.frozen
class Signature:
    arity: tuple[int, int | None]
    # result type from argument base types; returns a str or raises TypeError(message)
    result: Callable[[Sequence[str]], str]


def _same_numeric(name: str) -> Callable[[Sequence[str]], str]:
    def result(types: Sequence[str]) -> str:
        first = types[0]
        if first not in NUMERIC or any(t != first for t in types):
            raise TypeError(f"`{name}` needs numbers of one type, got {', '.join(types)}")
        return first

    return result


def _plus(types: Sequence[str]) -> str:
    a, b = types
    if a == "date" and b in INTEGRAL or b == "date" and a in INTEGRAL:
        return "date"
    if a == "symbol" and b == "symbol":
        return "symbol"  # concatenation, as in Soufflé
    return _same_numeric("+")(types)


def _minus(types: Sequence[str]) -> str:
    a, b = types
    if a == "date" and b in INTEGRAL:
        return "date"
    if a == "date" and b == "date":
        raise TypeError("cannot subtract two dates; use days(D1, D2) for the days between them")
    return _same_numeric("-")(types)


def _same(name: str) -> Callable[[Sequence[str]], str]:
    def result(types: Sequence[str]) -> str:
        if any(t != types[0] for t in types):
            raise TypeError(f"`{name}` needs arguments of one type, got {', '.join(types)}")
        return types[0]

    return result


def _fixed(expected: Sequence[str | frozenset], out: str, name: str) -> Callable[[Sequence[str]], str]:
    def result(types: Sequence[str]) -> str:
        for got, want in zip(types, expected):
            allowed = want if isinstance(want, frozenset) else {want}
            if got not in allowed:
                raise TypeError(f"`{name}` takes {_describe(expected)}, got ({', '.join(types)})")
        return out

    return result


def _describe(expected: Sequence[str | frozenset]) -> str:
    parts = []
    for want in expected:
        parts.append("/".join(sorted(want)) if isinstance(want, frozenset) else want)
    return "(" + ", ".join(parts) + ")"


def _symbols(name: str) -> Callable[[Sequence[str]], str]:
    def result(types: Sequence[str]) -> str:
        if any(t != "symbol" for t in types):
            raise TypeError(f"`{name}` takes symbols, got {', '.join(types)}")
        return "symbol"

    return result


_ANY = frozenset({"symbol", "number", "unsigned", "float", "date"})

FUNCTORS: dict[str, Signature] = {
    "+": Signature((2, 2), _plus),
    "-": Signature((2, 2), _minus),
    "*": Signature((2, 2), _same_numeric("*")),
    "/": Signature((2, 2), _same_numeric("/")),
    "%": Signature((2, 2), _same_numeric("%")),
    "^": Signature((2, 2), _same_numeric("^")),
    "neg": Signature((1, 1), _same_numeric("-")),
    "min": Signature((2, None), _same("min")),
    "max": Signature((2, None), _same("max")),
    "cat": Signature((1, None), _symbols("cat")),
    "strlen": Signature((1, 1), _fixed(["symbol"], "number", "strlen")),
    "substr": Signature((3, 3), _fixed(["symbol", frozenset(INTEGRAL), frozenset(INTEGRAL)], "symbol", "substr")),
    "to_number": Signature((1, 1), _fixed([frozenset({"symbol", "float", "unsigned", "number"})], "number", "to_number")),
    "to_unsigned": Signature((1, 1), _fixed([frozenset({"symbol", "float", "number", "unsigned"})], "unsigned", "to_unsigned")),
    "to_float": Signature((1, 1), _fixed([frozenset({"symbol", "number", "unsigned", "float"})], "float", "to_float")),
    "to_string": Signature((1, 1), _fixed([_ANY], "symbol", "to_string")),
    "ord": Signature((1, 1), _fixed([_ANY], "number", "ord")),
    "date": Signature((1, 1), _fixed([frozenset({"symbol", "date"})], "date", "date")),
    "days": Signature((2, 2), _fixed(["date", "date"], "number", "days")),
}

# Constraints usable as body literals, with their arity.
TESTS: dict[str, int] = {"contains": 2, "match": 2}


# ---- implementations (called from compiled rules) -----------------------------------


def int_div(a: int, b: int, where: object = None) -> int:
    if b == 0:
        raise FunctorError("division by zero", where)
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def int_mod(a: int, b: int, where: object = None) -> int:
    if b == 0:
        raise FunctorError("division by zero", where)
    return a - b * int_div(a, b, where)


def float_div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or a != a:
            return float("nan")
        return float("inf") if (a > 0) == (str(b)[0] != "-") else float("-inf")
    return a / b


def float_mod(a: float, b: float) -> float:
    """C's `fmod`: NaN where it is undefined (`x % 0.0`, `inf % y`), as `float_div` gives
    infinities rather than an error."""
    try:
        return math.fmod(a, b)
    except ValueError:
        return float("nan")


def float_pow(a: float, b: float) -> float:
    """C's `pow`: a real number, infinity or NaN, never an error or a complex number
    (Python's `**` gives a complex for `(-8.0) ** 0.5` and raises for `0.0 ** -1.0`)."""
    odd = b == b and abs(b) != math.inf and b == int(b) and int(b) % 2 == 1
    try:
        return math.pow(a, b)
    except ValueError:  # zero to a negative power, or a negative base to a fractional one
        if a == 0:
            return math.copysign(math.inf, a) if odd else math.inf
        return math.nan
    except OverflowError:
        return -math.inf if a < 0 and odd else math.inf


def int_pow(a: int, b: int, where: object = None) -> int:
    if b < 0:
        return 0 if abs(a) != 1 else (a if b % 2 else 1)
    if b > 4096:
        raise FunctorError("exponent too large", where)
    return a**b


def add_days(d: datetime.date, n: int, where: object = None) -> datetime.date:
    try:
        return d + datetime.timedelta(days=n)
    except OverflowError:
        raise FunctorError(f"date out of range: {d.isoformat()} + {n} days", where) from None


def days(a: datetime.date, b: datetime.date) -> int:
    return (b - a).days


def substr(s: str, start: int, length: int, where: object = None) -> str:
    if start < 0 or length < 0 or start > len(s):
        raise FunctorError(f"substr({s!r}, {start}, {length}) is out of range", where)
    return s[start:start + length]


def to_number(value: object, where: object = None) -> int:
    if isinstance(value, float):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return parse_number(str(value))
    except ValueError:
        raise FunctorError(f"cannot convert {value!r} to a number", where) from None


def to_unsigned(value: object, where: object = None) -> int:
    number = to_number(value, where)
    if number < 0:
        raise FunctorError(f"cannot convert {value!r} to an unsigned", where)
    return number


def to_float(value: object, where: object = None) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except ValueError:
        raise FunctorError(f"cannot convert {value!r} to a float", where) from None


def to_date(value: object, where: object = None) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise FunctorError(str(exc), where) from None


def to_string(value: object) -> str:
    """As Soufflé's `to_string`: floats with six decimals (C's `%f`), dates in ISO form."""
    if isinstance(value, float):
        return "%f" % value
    return display_value(value)


def cat(*parts: str) -> str:
    return "".join(parts)


def contains(sub: str, s: str) -> bool:
    return sub in s


def compile_pattern(pattern: str, cache: dict, where: object = None) -> re.Pattern:
    compiled = cache.get(pattern)
    if compiled is None:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise FunctorError(f"invalid regular expression {pattern!r}: {exc}", where) from None
        cache[pattern] = compiled
    return compiled
