"""Built-in functors and constraints: their arities, result types and implementations.

Arithmetic follows Soufflé: integer `/` and `%` truncate toward zero; `^` is power.
Our extensions on dates: `D + N` and `D - N` shift by N days, `days(D1, D2)` counts the days
from D1 to D2, `date("2025-10-22")` converts a symbol.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence

import attrs
import re2

from reasoner.limits import BIG, MAX_DIGITS, MAX_STRING
from reasoner.types import INTEGRAL, NUMERIC, display_value, parse_date, parse_number


class FunctorError(Exception):
    """A functor failed on a value (bad conversion, division by zero...). `span` is where the
    failing application is written, when the compiled rule passed it along. `limit`: the value
    crossed a per-value limit (reported as a `LimitError`)."""

    def __init__(self, message: str, span: object = None, limit: bool = False):
        super().__init__(message)
        self.span = span
        self.limit = limit


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
    if abs(a) > 1 and (abs(a).bit_length() - 1) * b > MAX_DIGITS * 3.33:
        # |a| ** b >= 2 ** (bits(a) - 1) * b: more digits than allowed, so not even computed
        raise FunctorError(f"{_short(a)} ^ {b} has more than {MAX_DIGITS:,} digits", where, limit=True)
    return check_int(a**b, where)


def check_int(value: int, where: object = None) -> int:
    """`value` if it has fewer than `MAX_DIGITS` digits, else a limit error."""
    if -BIG < value < BIG:
        return value
    return too_big(value, where)


def too_big(value: int, where: object = None) -> int:
    """Called by generated code when an integer result is out of bounds: too many digits, or
    a negative unsigned."""
    if value < 0 and -BIG < value:
        raise FunctorError(f"the unsigned result {value} is negative", where)
    raise FunctorError(f"an integer result has {_digits(value)} digits, more than the "
                       f"{MAX_DIGITS:,} allowed", where, limit=True)


def too_long(value: str, where: object = None) -> str:
    """Called by generated code when a string result is longer than `MAX_STRING`."""
    raise FunctorError(f"a string result has {len(value):,} characters, more than the "
                       f"{MAX_STRING:,} allowed", where, limit=True)


def _digits(value: int) -> str:
    """About how many decimal digits an integer has (without converting it to text)."""
    return f"about {int(abs(value).bit_length() * 0.30103):,}"


def _short(value: int) -> str:
    return str(value) if -10**20 < value < 10**20 else f"(a number of {_digits(value)} digits)"


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
        if value != value or value in (math.inf, -math.inf):
            raise FunctorError(f"cannot convert {value!r} to a number", where)
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value)
    if len(text) > MAX_DIGITS + 8:  # sign, prefix, blanks
        raise FunctorError(f"cannot convert a symbol of {len(text):,} characters to a number "
                           f"(at most {MAX_DIGITS:,} digits)", where, limit=True)
    try:
        return check_int(parse_number(text), where)
    except (ValueError, IndexError):
        raise FunctorError(f"cannot convert {_quote(text)} to a number", where) from None


def _quote(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:60]) + f"... ({len(text):,} characters)"


def to_unsigned(value: object, where: object = None) -> int:
    number = to_number(value, where)
    if number < 0:
        raise FunctorError(f"cannot convert {value!r} to an unsigned", where)
    return number


def to_float(value: object, where: object = None) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        shown = _short(value) if isinstance(value, int) else _quote(str(value))
        raise FunctorError(f"cannot convert {shown} to a float", where) from None


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


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the error is reported as a diagnostic, not on stderr


def compile_pattern(pattern: str, cache: dict, where: object = None):
    """The compiled form of a `match` pattern, by RE2: matching takes time linear in the text
    (no catastrophic backtracking: `(a+)+$` on many a's and a b answers at once). RE2 has no
    backreferences (`\\1`) nor lookaround (`(?=`), which are reported."""
    compiled = cache.get(pattern)
    if compiled is None:
        try:
            compiled = re2.compile(pattern, options=_RE2_OPTIONS)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else "invalid"
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            hint = ""
            marks = ("(?=", "(?!", "(?<=", "(?<!", *(f"\\{digit}" for digit in "123456789"))
            if any(mark in pattern for mark in marks):
                hint = " (backreferences and lookaround are not supported)"
            raise FunctorError(f"invalid regular expression {_quote(pattern)}: {reason}{hint}", where) from None
        cache[pattern] = compiled
    return compiled
