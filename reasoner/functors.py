"""Built-in functors and constraints: one table (`TABLE`, by name `FUNCTORS`) holds, for each
functor, what every layer needs: its arity (the parser), result type (the checker and the
planner), generated code and purity (the code generator), runtime implementation (the namespace
of generated code) and whether the REPL highlights it. Adding a functor is adding an entry.

Arithmetic follows Soufflé: integer `/` and `%` truncate toward zero; `^` is power.
Our extensions on dates: `D + N` and `D - N` shift by N days, `days(D1, D2)` counts the days
from D1 to D2, `date("2025-10-22")` converts a symbol.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Union

import attrs
import re2

from reasoner import bitwise
from reasoner.errors import Diagnostic, warning
from reasoner.limits import BIG, MAX_DIGITS, MAX_STRING
from reasoner.source import Span
from reasoner.types import INTEGRAL, NUMERIC, display_value, parse_date, parse_number


class FunctorError(Exception):
    """A functor failed on a value (bad conversion, division by zero...). `span` is where the
    failing application is written, when the compiled rule passed it along. `limit`: the value
    crossed a per-value limit (reported as a `LimitError`)."""

    def __init__(self, message: str, span: object = None, limit: bool = False):
        super().__init__(message)
        self.span = span
        self.limit = limit


def _same_of(name: str, kinds: frozenset[str], what: str) -> Callable[[Sequence[str]], str]:
    """The result type of a functor whose arguments are all of one type among `kinds` (that
    type); a TypeError saying it needs `what` otherwise."""
    def result(types: Sequence[str]) -> str:
        first = types[0]
        if first not in kinds or any(t != first for t in types):
            raise TypeError(f"`{name}` needs {what}, got {', '.join(types)}")
        return first

    return result


def _same_numeric(name: str) -> Callable[[Sequence[str]], str]:
    return _same_of(name, NUMERIC, "numbers of one type")


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
    """Called by generated code when an integer result has too many digits."""
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


class PatternCache(dict):
    """The compiled `match` patterns of one evaluation (None for an invalid one), and the
    warnings about the invalid ones, one per pattern."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[Diagnostic] = []


def compile_pattern(pattern: str, cache: PatternCache, where: object = None):
    """The compiled form of a `match` pattern, by RE2: matching takes time linear in the text
    (no catastrophic backtracking: `(a+)+$` on many a's and a b answers at once). RE2 has no
    backreferences (`\\1`) nor lookaround (`(?=`), which are named in the warning. An
    invalid pattern is None, with a warning at the `match` (`where`), as in Soufflé."""
    try:
        reason = _loose_brace(pattern)
        compiled = None if reason else re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
    if reason:
        marks = ("(?=", "(?!", "(?<=", "(?<!", *(f"\\{digit}" for digit in "123456789"))
        if any(mark in pattern for mark in marks):
            reason += " (backreferences and lookaround are not supported)"
        cache.warnings.append(warning(
            f"invalid regular expression {_quote(pattern)}: {reason}", where if isinstance(where, Span) else None,
            "as in Soufflé, neither `match` nor `!match` holds for it"))
        compiled = None
    cache[pattern] = compiled
    return compiled


_UNSEEN = object()


_REPETITION = re2.compile(r"\{[0-9]+(,[0-9]*)?\}")


def _loose_brace(pattern: str) -> str:
    """Why a `{` outside a character class does not start a repetition (`{2}`, `{2,}`,
    `{2,5}`): RE2 reads it as a literal brace, Soufflé's ECMAScript regular expressions as an
    error, which we follow. Empty if every brace is one."""
    escaped = in_class = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "{" and not _REPETITION.match(pattern, i):
            return f"`{{` at position {i + 1} does not start a repetition such as {{2}} or {{2,5}}"
    return ""


def pattern_matches(pattern: str, text: str, cache: PatternCache, where: object = None,
                    negated: bool = False) -> bool:
    """`match(pattern, text)` (`!match` if `negated`): false both ways for an invalid pattern."""
    compiled = cache.get(pattern, _UNSEEN)
    if compiled is _UNSEEN:
        compiled = compile_pattern(pattern, cache, where)
    if compiled is None:
        return False
    return (compiled.fullmatch(text) is None) == negated


def _shifting(shift: Callable[[int, int], int]) -> Callable[..., int]:
    """A shift of `reasoner.bitwise` whose errors are functor errors at the application."""

    def apply(value: int, count: int, where: object = None) -> int:
        try:
            return shift(value, count)
        except bitwise.ShiftError as exc:
            raise FunctorError(str(exc), where, limit="digits" in str(exc)) from None

    return apply


shift_left = _shifting(bitwise.shift_left)
shift_right = _shifting(bitwise.shift_right)
shift_right_unsigned = _shifting(bitwise.shift_right_unsigned)


def _same_integral(name: str) -> Callable[[Sequence[str]], str]:
    return _same_of(name, INTEGRAL, "integers of one type (number or unsigned)")


# ---- the table: one entry per functor, read by every layer --------------------------


@attrs.frozen
class CallSite:
    """One application of a functor, as the code generator sees it: the code of its arguments,
    their base types and its result type (None where unknown); `where()` names the constant
    holding its span (for the errors of functors that can fail), `bounded_int` and
    `bounded_string` check a result against the per-value limits (`reasoner.limits`)."""

    args: Sequence[str]
    arg_types: Sequence[str | None]
    result: str | None
    where: Callable[[], str]
    bounded_int: Callable[[str], str]
    bounded_string: Callable[[str], str]


@attrs.frozen
class Functor:
    """Everything about one functor, in one place.

    - `arity`: (least, most) arguments, `None`: any number (the parser checks it);
    - `result`: the result type from the argument types, or `TypeError(message)` (the checker);
    - `type_of`: the result type from the argument types of a checked term, where an integer
      literal counts as `number` and unknown types are None (the planner);
    - `code`: the Python expression of one application (the code generator);
    - `runtime`: what that code calls, by name (the namespace of generated code), and
      `context`: names it reads from the per-evaluation state (`plan.runtime.make_context`);
    - `pure`: whether an application with this result type can never raise an evaluation
      error (range scans compute only such bounds before checking that rows remain);
    - `own_literals`: an integer literal argument is a `number`, whatever the result type
      (conversions, `substr`, `days`), rather than a number of the result's type;
    - `named`: written `name(args)` (the REPL highlights it), not as an operator;
    - `example`: a rule-text application and the value it gives (the table's tests run it);
    - `sql`: the SQL of one application for the SQL backends (`reasoner.sql`): a template in
      DuckDB's dialect, with `{0}`, `{1}`... for the arguments and `{args}` for all of them
      (sqlglot reads it and writes it out in each backend's dialect), or a function of the
      argument types and the result type giving one, or `Unsupported(reason)`. `ERROR('...')`
      in a template fails the evaluation with that message where the Python code raises;
    - `generator`: the code gives an iterable of values (`range`), bound one by one to the
      variable of `X = range(...)`, the one place such a functor may be written.
    """

    name: str
    arity: tuple[int, int | None]
    result: Callable[[Sequence[str]], str]
    type_of: Callable[[Sequence[str | None]], str | None]
    code: Callable[[CallSite], str]
    example: tuple[str, object]
    runtime: Mapping[str, object] = attrs.field(factory=dict)
    context: tuple[str, ...] = ()
    pure: Callable[[str | None], bool] = attrs.field(default=lambda result: True)
    own_literals: bool = False
    named: bool = True
    sql: SqlForm | None = None
    generator: bool = False


def _returns(base: str) -> Callable[[Sequence[str | None]], str | None]:
    return lambda types: base


def _arithmetic(op: str) -> Callable[[Sequence[str | None]], str | None]:
    """The result type of arithmetic: a date shifted by days, symbols joined by `+`, else the
    numeric type of the arguments (float before unsigned before number)."""

    def type_of(types: Sequence[str | None]) -> str | None:
        if op in ("+", "-") and "date" in types:
            return "date"
        if op == "+" and "symbol" in types:
            return "symbol"
        if "float" in types:
            return "float"
        if "unsigned" in types:
            return "unsigned"
        return next((t for t in types if t is not None), "number")

    return type_of


def _code_plus(c: CallSite) -> str:
    if c.result == "date":
        days_first = c.arg_types[0] != "date"
        date, shift = (c.args[1], c.args[0]) if days_first else (c.args[0], c.args[1])
        return f"add_days({date}, {shift}, {c.where()})"
    if c.result == "symbol":
        return c.bounded_string(f"{c.args[0]} + {c.args[1]}")
    return c.bounded_int(f"{c.args[0]} + {c.args[1]}")


def _code_minus(c: CallSite) -> str:
    if c.result == "date":
        return f"add_days({c.args[0]}, -({c.args[1]}), {c.where()})"
    return c.bounded_int(f"{c.args[0]} - {c.args[1]}")


def _float_or_int(float_helper: str, int_helper: str) -> Callable[[CallSite], str]:
    """`/`, `%`, `^`: a float helper that never fails, or an integer one that can."""

    def code(c: CallSite) -> str:
        if c.result == "float":
            return f"{float_helper}({c.args[0]}, {c.args[1]})"
        return f"{int_helper}({c.args[0]}, {c.args[1]}, {c.where()})"

    return code


def _code_pow(c: CallSite) -> str:
    if c.result == "unsigned":  # wraps around Soufflé's 32-bit word, as `*` does
        return f"pow({c.args[0]}, {c.args[1]}, {bitwise.WORD + 1})"
    return _float_or_int("float_pow", "int_pow")(c)


def _code_neg(c: CallSite) -> str:
    if c.result == "unsigned":
        return c.bounded_int(f"-{c.args[0]}")
    return f"(-{c.args[0]})"


def _code_cat(c: CallSite) -> str:
    return c.args[0] if len(c.args) == 1 else c.bounded_string(" + ".join(c.args))


def _call(helper: str, fails: bool) -> Callable[[CallSite], str]:
    """`helper(args)`, with the span of the application when it can fail."""

    def code(c: CallSite) -> str:
        where = [c.where()] if fails else []
        return f"{helper}({', '.join([*c.args, *where])})"

    return code


def _not_date(result: str | None) -> bool:
    return result != "date"  # a date shifted out of range fails


def _only_float(result: str | None) -> bool:
    return result == "float"  # integer division by zero fails; the float helpers never do


def _never(result: str | None) -> bool:
    return False


def _code_bnot(c: CallSite) -> str:
    if c.result == "unsigned":  # within Soufflé's 32-bit word (see reasoner.bitwise)
        return f"(~{c.args[0]} & {bitwise.WORD})"
    return f"(~{c.args[0]})"


def _logical(template: str) -> Callable[[CallSite], str]:
    """1 or 0, every argument computed (no short cut, so an error in one is not hidden)."""
    return lambda c: "(1 if " + template.format(*(f"({a} != 0)" for a in c.args)) + " else 0)"


def _sql_logical(template: str) -> str:
    return "(CASE WHEN " + template.format(*(f"({{{i}}} <> 0)" for i in range(2))) + " THEN 1 ELSE 0 END)"


def _sql_bnot(types: Sequence[str | None], result: str | None) -> str | Unsupported:
    if result == "unsigned":
        return Unsupported("bnot of an unsigned works within Soufflé's 32-bit word")
    return "(~{0})"


# ---- SQL forms (read by `reasoner.sql`; plain text, so nothing here imports sqlglot) -----


@attrs.frozen
class Unsupported:
    """A functor (or one use of it) that the SQL backends cannot compute exactly as the
    Python engine does; `reason` is shown in the load-time diagnostic."""

    reason: str


SqlForm = Union[str, Unsupported, Callable[[Sequence[Union[str, None]], Union[str, None]], Union[str, Unsupported]]]


def _unsigned_wrapped(template: str, unsigned: str | None = None) -> Callable[[Sequence[str | None], str | None], str]:
    """An integer template whose unsigned result wraps around Soufflé's 32-bit word, as the
    Python engine computes it (`unsigned`: a form of its own that stays within 64 bits)."""

    def form(types: Sequence[str | None], result: str | None) -> str:
        if result == "unsigned":
            return f"(({unsigned or template}) & {bitwise.WORD})"
        return template

    return form


# a * b modulo 2^32 from 16-bit halves of a, so that no intermediate value exceeds 2^49
_UNSIGNED_TIMES = "(({0} & 65535) * {1} + (((({0} >> 16) * {1}) & 65535) << 16))"


# `d + n` days: a result outside 0001-01-01..9999-12-31 fails as the Python engine's `add_days`
# does, with its message (n is first brought within a range every shift by which leaves the
# dates, so that the cast to a 32-bit day count cannot fail instead). The sum is the same
# expression in the test and in the value, so DuckDB computes it once (common subexpressions).
_DAYS_BEYOND = 3652059  # more days than 0001-01-01..9999-12-31 spans
_SHIFT = f"({{d}} + CAST(greatest(least({{n}}, {_DAYS_BEYOND}), -{_DAYS_BEYOND}) AS INTEGER))"
_SHIFTED = (f"CASE WHEN {_SHIFT} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN CAST({_SHIFT} AS DATE) "
            "ELSE ERROR(concat('date out of range: ', CAST({d} AS VARCHAR), ' + ', CAST({n} AS VARCHAR), ' days')) END")


def _sql_plus(types: Sequence[str | None], result: str | None) -> str:
    if result == "date":
        d, n = ("{1}", "{0}") if types[0] != "date" else ("{0}", "{1}")
        return _SHIFTED.format(d=d, n=n)
    if result == "symbol":
        return "({0} || {1})"
    return _unsigned_wrapped("({0} + {1})")(types, result)


def _sql_minus(types: Sequence[str | None], result: str | None) -> str:
    if result == "date":
        return _SHIFTED.format(d="{0}", n="(-{1})")
    return _unsigned_wrapped("({0} - {1})")(types, result)


def _sql_float_or_int(float_form: str, int_form: str) -> Callable[[Sequence[str | None], str | None], str]:
    return lambda types, result: float_form if result == "float" else int_form


# An integer power through a double is exact below 2^53; beyond that the backend reports it.
_INT_POW = ("CASE WHEN {1} < 0 THEN (CASE WHEN abs({0}) = 1 THEN (CASE WHEN {1} % 2 = 0 THEN 1 ELSE {0} END) "
            "ELSE 0 END) WHEN abs(pow({0}, {1})) < 9007199254740992.0 THEN CAST(pow({0}, {1}) AS BIGINT) "
            "ELSE ERROR('an integer power beyond 2^53 is not computed exactly by the SQL backends') END")
_NUMBER_TEXT = r"[+-]?([0-9]+|0[xX][0-9a-fA-F]+|0[bB][01]+)"


def _sql_pow(types: Sequence[str | None], result: str | None) -> str:
    if result == "float":
        return "pow({0}, {1})"
    return _unsigned_wrapped(_INT_POW)(types, result)


# The characters Python's `str.strip()` takes off (those of `str.isspace`), which the Python
# engine's conversions strip; SQL's `trim(x)` takes off spaces only.
PY_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_STRIPPED = "trim({0}, '" + PY_SPACE + "')"


def _sql_repr(text: str) -> str:
    """Python's `repr` of `text` (an SQL expression), for a text without backslashes or control
    characters: in single quotes, or in double ones when it holds a single quote and no double one."""
    return (f"(CASE WHEN strpos({text}, '''') > 0 AND strpos({text}, '\"') = 0 THEN concat('\"', {text}, '\"') "
            f"ELSE concat('''', replace({text}, '''', '\\'''), '''') END)")


def _cold(value: str, name: str, body: str) -> str:
    """`body` with `name` standing for `value` (SQL expressions), `value` written once: for the
    branches taken on failing rows only (errors, unusual forms), so that a statement does not hold
    one copy of an argument per use there (the lambda costs nothing on the other rows)."""
    return f"list_transform([{value}], lambda {name}: {body})[1]"


def _sql_quote(text: str) -> str:
    """`_quote` of `text` (an SQL expression): its repr, or that of its first 60 characters and
    its length (written without thousands separators)."""
    return (f"(CASE WHEN length({text}) <= 60 THEN {_sql_repr(text)} ELSE concat({_sql_repr(f'substring({text}, 1, 60)')}, "
            f"'... (', CAST(length({text}) AS VARCHAR), ' characters)') END)")


# `to_number` of a symbol: a text that is the canonical decimal form of a 64-bit integer (`42`,
# `-7`) is read by a cast whose round trip gives it back (no regular expression; the cast is the
# same expression in the test and the value, so DuckDB computes it once); any other (blanks, a
# `+`, leading zeros, `0x1f`, `0b101`, an error) goes through `parse_number`'s checks.
_TEXT_STRIPPED = _STRIPPED.replace("{0}", "arg_text")
_UNSIGNED_PART = f"trim(substring({_TEXT_STRIPPED}, 2))"  # after the sign (DuckDB's cast reads `0x1f`, not `-0x1f`)
_NUMBER_SLOW = _cold("{0}", "arg_text", f"CASE WHEN NOT regexp_full_match({_TEXT_STRIPPED}, '{_NUMBER_TEXT}') "
                     f"THEN ERROR(concat('cannot convert ', {_sql_quote('arg_text')}, ' to a number')) "
                     f"WHEN {_TEXT_STRIPPED} LIKE '-%' THEN -CAST({_UNSIGNED_PART} AS BIGINT) "
                     f"WHEN {_TEXT_STRIPPED} LIKE '+%' THEN CAST({_UNSIGNED_PART} AS BIGINT) "
                     f"ELSE CAST({_TEXT_STRIPPED} AS BIGINT) END")
_NUMBER = f"CASE WHEN CAST(TRY_CAST({{0}} AS BIGINT) AS VARCHAR) = {{0}} THEN TRY_CAST({{0}} AS BIGINT) ELSE {_NUMBER_SLOW} END"


def _sql_to_number(unsigned: bool) -> Callable[[Sequence[str | None], str | None], str]:
    def form(types: Sequence[str | None], result: str | None) -> str:
        kind = types[0]
        if kind == "symbol":
            value = _NUMBER
        elif kind == "float":
            value = "CAST(trunc({0}) AS BIGINT)"
        else:
            value = "{0}"
        if unsigned and kind != "unsigned":
            return f"CASE WHEN {value} < 0 THEN ERROR('cannot convert a negative value to an unsigned') ELSE {value} END"
        return value

    return form


def _sql_to_float(types: Sequence[str | None], result: str | None) -> str:
    return "CAST(trim({0}) AS DOUBLE)" if types[0] == "symbol" else "CAST({0} AS DOUBLE)"


def _sql_to_string(types: Sequence[str | None], result: str | None) -> str:
    if types[0] == "float":
        return "printf('%f', {0})"
    return "{0}" if types[0] == "symbol" else "CAST({0} AS VARCHAR)"


def _date_checked(text: str) -> str:
    """`text` (an SQL expression) is a date of 0001-01-01..9999-12-31 written YYYY-MM-DD: read by
    a cast whose round trip gives it back (no regular expression: the cast refuses a bad date,
    the round trip any other form the cast reads, such as `2025-1-2` or `+2025-01-02`)."""
    return (f"CAST(TRY_CAST({text} AS DATE) AS VARCHAR) = {text} "
            f"AND TRY_CAST({text} AS DATE) BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'")


def _date_error(s: str) -> str:
    """The Python engine's message (`reasoner.types.parse_date`, then `date.fromisoformat`) for
    `s` (an SQL expression), a stripped text that is not a date. A control character other than
    a tab or a line break counts as a non-ASCII one (in Python its repr would escape it)."""
    invalid = f"concat('`', {s}, '` is not a valid date: ', "
    return (f"CASE WHEN NOT (length({s}) = 10 AND substring({s}, 5, 1) = '-' AND substring({s}, 8, 1) = '-' "
            f"AND regexp_full_match({s}, '[\\t\\n\\r -~]*')) "
            f"THEN concat('`', {s}, '` is not a date (expected YYYY-MM-DD)') "
            f"WHEN NOT regexp_full_match({s}, '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') "
            f"THEN {invalid}'Invalid isoformat string: ', {_sql_repr(s)}) "
            f"WHEN substring({s}, 1, 4) = '0000' THEN {invalid}'year 0 is out of range') "
            f"WHEN substring({s}, 6, 2) NOT BETWEEN '01' AND '12' THEN {invalid}'month must be in 1..12') "
            f"ELSE {invalid}'day is out of range for month') END")


def _sql_date(types: Sequence[str | None], result: str | None) -> str:
    """`date(S)`: a text written as a date is read by one cast (the same expression in the test
    and the value, which DuckDB computes once); any other is stripped as Python strips, then read
    or failed with the Python engine's message."""
    if types[0] == "date":
        return "{0}"
    stripped = (f"CASE WHEN {_date_checked('arg_stripped')} THEN TRY_CAST(arg_stripped AS DATE) "
                f"ELSE ERROR({_date_error('arg_stripped')}) END")
    return f"CASE WHEN {_date_checked('{0}')} THEN TRY_CAST({{0}} AS DATE) ELSE {_cold(_STRIPPED, 'arg_stripped', stripped)} END"


# `substr(S, I, N)`: `I > 0 AND` is redundant (a length is never negative) but lets the database
# fold the whole test away for the usual constant start 0, leaving `substring` alone.
_SQL_SUBSTR = ("CASE WHEN {1} < 0 OR {2} < 0 OR ({1} > 0 AND {1} > length({0})) THEN ERROR(concat('substr(', "
               + _cold("{0}", "arg_text", _sql_repr("arg_text")) + ", ', ', CAST({1} AS VARCHAR), ', ', CAST({2} AS VARCHAR), "
               "') is out of range')) "
               "ELSE substring({0}, {1} + 1, {2}) END")


# Characters whose case mapping Python (full Unicode mappings) and SQL engines (one character
# to one) give differently: such a text is an error on the SQL backends, never another answer.
_SPECIAL_UPPER = "ßŉǰΐΰևẖ-ẚﬀ-ﬆﬓ-ﬗᾀ-ᾯᾲ-ᾴᾶᾷᾼῂ-ῄῆῇῌῒΐῖῗῢ-ῧῲ-ῴῶῷῼ"


def _sql_case(function: str, special: str) -> str:
    return (f"CASE WHEN regexp_matches({{0}}, '[{special}]') THEN ERROR('{function} of a text with special "
            f"case mappings is not computed like Python by the SQL backends') ELSE {function}({{0}}) END")


_FLOAT_OR_INT = {"float_div": float_div, "int_div": int_div, "fmod": float_mod, "int_mod": int_mod,
                 "float_pow": float_pow, "int_pow": int_pow}
_INTEGRAL = frozenset(INTEGRAL)
_CONVERTIBLE = frozenset({"symbol", "float", "unsigned", "number"})

TABLE: tuple[Functor, ...] = (
    Functor("+", (2, 2), _plus, _arithmetic("+"), _code_plus, ("2025-07-14 + 50", datetime.date(2025, 9, 2)),
            {"add_days": add_days}, pure=_not_date, named=False, sql=_sql_plus),
    Functor("-", (2, 2), _minus, _arithmetic("-"), _code_minus, ("7 - 10", -3),
            {"add_days": add_days}, pure=_not_date, named=False, sql=_sql_minus),
    Functor("*", (2, 2), _same_numeric("*"), _arithmetic("*"), lambda c: c.bounded_int(f"{c.args[0]} * {c.args[1]}"),
            ("6 * 7", 42), named=False, sql=_unsigned_wrapped("({0} * {1})", _UNSIGNED_TIMES)),
    Functor("/", (2, 2), _same_numeric("/"), _arithmetic("/"), _float_or_int("float_div", "int_div"),
            ("-7 / 2", -3), _FLOAT_OR_INT, pure=_only_float, named=False,
            sql=_sql_float_or_int("({0} / {1})", "({0} // {1})")),
    Functor("%", (2, 2), _same_numeric("%"), _arithmetic("%"), _float_or_int("fmod", "int_mod"),
            ("-7 % 2", -1), _FLOAT_OR_INT, pure=_only_float, named=False,
            sql=_sql_float_or_int("fmod({0}, {1})", "({0} % {1})")),
    Functor("^", (2, 2), _same_numeric("^"), _arithmetic("^"), _code_pow,
            ("2 ^ 10", 1024), _FLOAT_OR_INT, pure=_only_float, named=False,
            sql=_sql_pow),
    Functor("neg", (1, 1), _same_numeric("-"), _arithmetic("neg"), _code_neg, ("-(2.5)", -2.5), named=False,
            sql=_unsigned_wrapped("(-{0})")),
    Functor("min", (2, None), _same("min"), _arithmetic("min"), lambda c: f"min({', '.join(c.args)})",
            ("min(3, 1, 2)", 1), sql="least({args})"),
    Functor("max", (2, None), _same("max"), _arithmetic("max"), lambda c: f"max({', '.join(c.args)})",
            ("max(3, 1, 2)", 3), sql="greatest({args})"),
    Functor("cat", (1, None), _symbols("cat"), _returns("symbol"), _code_cat, ('cat("ab", "c")', "abc"), sql="concat({args})"),
    Functor("strlen", (1, 1), _fixed(["symbol"], "number", "strlen"), _returns("number"),
            lambda c: f"len({c.args[0]})", ('strlen("abc")', 3), sql="length({0})"),
    Functor("substr", (3, 3), _fixed(["symbol", _INTEGRAL, _INTEGRAL], "symbol", "substr"), _returns("symbol"),
            _call("substr", fails=True), ('substr("abcdef", 1, 3)', "bcd"), {"substr": substr},
            pure=_never, own_literals=True,
            sql=_SQL_SUBSTR),
    Functor("to_number", (1, 1), _fixed([_CONVERTIBLE], "number", "to_number"), _returns("number"),
            _call("to_number", fails=True), ('to_number("42")', 42), {"to_number": to_number},
            pure=_never, own_literals=True, sql=_sql_to_number(unsigned=False)),
    Functor("to_unsigned", (1, 1), _fixed([_CONVERTIBLE], "unsigned", "to_unsigned"), _returns("unsigned"),
            _call("to_unsigned", fails=True), ('to_unsigned("42")', 42), {"to_unsigned": to_unsigned},
            pure=_never, own_literals=True, sql=_sql_to_number(unsigned=True)),
    Functor("to_float", (1, 1), _fixed([_CONVERTIBLE], "float", "to_float"), _returns("float"),
            _call("to_float", fails=True), ('to_float("2.5")', 2.5), {"to_float": to_float},
            pure=_never, own_literals=True, sql=_sql_to_float),
    Functor("to_string", (1, 1), _fixed([_ANY], "symbol", "to_string"), _returns("symbol"),
            _call("to_string", fails=False), ("to_string(42)", "42"), {"to_string": to_string},
            own_literals=True, sql=_sql_to_string),
    Functor("ord", (1, 1), _fixed([_ANY], "number", "ord"), _returns("number"),
            lambda c: f"ord_of({c.args[0]})", ('ord("a")', 0), context=("ord_of",), own_literals=True,
            sql=Unsupported("ord numbers symbols in the order one Python evaluation first meets them")),
    Functor("date", (1, 1), _fixed([frozenset({"symbol", "date"})], "date", "date"), _returns("date"),
            _call("to_date", fails=True), ('date(cat("2025-10-", "22"))', datetime.date(2025, 10, 22)),
            {"to_date": to_date}, pure=_never, own_literals=True, sql=_sql_date),
    Functor("days", (2, 2), _fixed(["date", "date"], "number", "days"), _returns("number"),
            _call("days", fails=False), ("days(2025-10-20, 2025-10-22)", 2), {"days": days}, own_literals=True,
            sql="date_diff('day', {0}, {1})"),
    Functor("lower", (1, 1), _fixed(["symbol"], "symbol", "lower"), _returns("symbol"),
            lambda c: c.bounded_string(f"{c.args[0]}.lower()"), ('lower("RUS Army")', "rus army"),
            sql=_sql_case("lower", "İ")),
    Functor("upper", (1, 1), _fixed(["symbol"], "symbol", "upper"), _returns("symbol"),
            lambda c: c.bounded_string(f"{c.args[0]}.upper()"), ('upper("rus Army")', "RUS ARMY"),
            sql=_sql_case("upper", _SPECIAL_UPPER)),
    # Soufflé's bitwise and logical operators, written between (or before) their operands
    Functor("band", (2, 2), _same_integral("band"), _arithmetic("band"), lambda c: f"({c.args[0]} & {c.args[1]})",
            ("6 band 3", 2), named=False, sql="({0} & {1})"),
    Functor("bor", (2, 2), _same_integral("bor"), _arithmetic("bor"), lambda c: f"({c.args[0]} | {c.args[1]})",
            ("6 bor 3", 7), named=False, sql="({0} | {1})"),
    Functor("bxor", (2, 2), _same_integral("bxor"), _arithmetic("bxor"), lambda c: f"({c.args[0]} ^ {c.args[1]})",
            ("6 bxor 3", 5), named=False, sql="xor({0}, {1})"),
    Functor("bshl", (2, 2), _same_integral("bshl"), _arithmetic("bshl"),
            lambda c: c.bounded_int(f"shift_left({c.args[0]}, {c.args[1]}, {c.where()})"), ("1 bshl 4", 16),
            {"shift_left": shift_left}, pure=_never, named=False,
            sql=Unsupported("Python integers do not overflow when shifted left; SQL integers do")),
    Functor("bshr", (2, 2), _same_integral("bshr"), _arithmetic("bshr"),
            lambda c: f"shift_right({c.args[0]}, {c.args[1]}, {c.where()})", ("-16 bshr 2", -4),
            {"shift_right": shift_right}, pure=_never, named=False,
            sql="(CASE WHEN {1} < 0 THEN ERROR('bshr by a negative count') ELSE ({0} >> {1}) END)"),
    Functor("bshru", (2, 2), _same_integral("bshru"), _arithmetic("bshru"),
            lambda c: f"shift_right_unsigned({c.args[0]}, {c.args[1]}, {c.where()})", ("-1 bshru 28", 15),
            {"shift_right_unsigned": shift_right_unsigned}, pure=_never, named=False,
            sql=Unsupported("bshru reads a negative number as Soufflé's 32-bit word")),
    Functor("bnot", (1, 1), _same_integral("bnot"), _arithmetic("bnot"), _code_bnot, ("bnot 5", -6),
            named=False, sql=_sql_bnot),
    Functor("land", (2, 2), _same_integral("land"), _arithmetic("land"), _logical("{0} & {1}"),
            ("3 land 4", 1), named=False, sql=_sql_logical("{0} AND {1}")),
    Functor("lor", (2, 2), _same_integral("lor"), _arithmetic("lor"), _logical("{0} | {1}"),
            ("0 lor 4", 1), named=False, sql=_sql_logical("{0} OR {1}")),
    Functor("lxor", (2, 2), _same_integral("lxor"), _arithmetic("lxor"), _logical("{0} != {1}"),
            ("3 lxor 4", 0), named=False, sql=_sql_logical("{0} <> {1}")),
    Functor("lnot", (1, 1), _same_integral("lnot"), _arithmetic("lnot"), _logical("not {0}"),
            ("lnot 0", 1), named=False, sql="(CASE WHEN {0} = 0 THEN 1 ELSE 0 END)"),
    # `X = range(a, b[, step])`: X takes each value from a towards b (see reasoner.bitwise)
    Functor("range", (2, 3), _same_numeric("range"), _arithmetic("range"),
            lambda c: f"range_values({', '.join(c.args)})", ("range(5, 6)", 5),
            {"range_values": bitwise.range_values}, generator=True,
            sql=Unsupported("range gives several values for one row")),
    # Soufflé's counter (also written `$`): 0, 1, 2... one number per application, per evaluation
    Functor("autoinc", (0, 0), lambda types: "number", _returns("number"), lambda c: "autoinc()",
            ("autoinc()", 0), context=("autoinc",),
            sql=Unsupported("the counter numbers tuples in the order one Python evaluation makes them")),
)

FUNCTORS: dict[str, Functor] = {functor.name: functor for functor in TABLE}

# Constraints usable as body literals, with their arity.
TESTS: dict[str, int] = {"contains": 2, "match": 2}
