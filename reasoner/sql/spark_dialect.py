"""Spark SQL as the Spark backend writes it: sqlglot's Spark dialect, plus the forms in which
the functor templates (written for DuckDB, `functors.TABLE`'s `sql` field) and the compiled
rules must differ on Spark to give the Python engine's values.

The dialect is registered with sqlglot under the name `reasonerspark` (`DIALECT`); the rules
are written in it once, at load time (`strata.compile_program`), so a construct raising
`Unexpressible` here is a load-time diagnostic naming it and the Spark backend.

- `ERROR(message)` (DuckDB) is Spark's `raise_error(message)`.
- Regular expressions: the Python engine matches with RE2, Spark with `java.util.regex`. A
  pattern written in the rule text (`match`) or in a template is translated (`java_pattern`)
  when it lies in the part of the syntax both read alike, with the differences spelled out
  (`.` and `\\s` name RE2's characters, `$` is the end of the text); any other pattern, and a
  pattern computed at run time, is refused at load time.
- `a / b` on floats: Spark (in ANSI mode, which the backend needs for 64-bit overflow errors)
  fails on a zero divisor; the Python engine gives an infinity or NaN as IEEE division does,
  and so does the form here. `fmod` likewise.
- `fsum` (exact float sums, for `sum` of floats and `mean`): `math.fsum` over the values, the
  Python engine's own summation, as a Python function the backend registers in its session
  (`FSUM_FUNCTION`), so the sum is correctly rounded whatever order the partitions give.
- `CAST(trim(text) AS BIGINT)` (`to_number`): Spark's cast reads decimal digits only; the
  hexadecimal and binary forms the Python engine reads go through `conv`.
- `printf('%f', x)` (`to_string` of a float): Java's `%f` rounds the shortest decimal form of a
  double rather than its exact value as C does (0.0078125 gives 0.007813, not 0.007812), so
  it is refused.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.generator import Generator

from reasoner.sql.expressions import Unexpressible

DIALECT = "reasonerspark"  # sqlglot's name for `ReasonerSpark` (the class name, lower case)
FSUM_FUNCTION = "reasoner_fsum"

# RE2's `\s` and `.` as Java character classes (Java's `\s` adds \x0B; its `.` also stops at
# \r, \u0085, \u2028 and \u2029).
_SPACE = r"[\t\n\f\r ]"
_NOT_SPACE = r"[^\t\n\f\r ]"
_ANY = r"[^\n]"
_PLAIN_ESCAPES = set("\\.+*?()|[]{}^$-/")
_CLASS_ESCAPES = {"d": r"\d", "D": r"\D", "w": r"\w", "W": r"\W", "s": _SPACE, "S": _NOT_SPACE,
                  "n": r"\n", "t": r"\t", "r": r"\r", "f": r"\f"}


def java_pattern(pattern: str) -> str:
    """`pattern` (RE2 syntax) as a Java pattern matching the same texts; `ValueError(reason)`
    for a pattern outside the syntax the two read alike (flags, `\\b`, Unicode classes,
    backreferences, look-around, POSIX classes...)."""
    out: list[str] = []
    i = 0
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(_escape(pattern, i, in_class=False))
            i += 2
            continue
        if c == "[":
            end, text = _char_class(pattern, i)
            out.append(text)
            i = end
            continue
        if c == "(":
            if pattern.startswith("(?:", i):
                out.append("(?:")
                i += 3
            elif pattern.startswith("(?", i):
                raise ValueError("groups with flags or names (`(?...`) are read differently")
            else:
                out.append("(")
                i += 1
            depth += 1
            continue
        if c == ")":
            depth -= 1
        elif c in "*+?" and i + 1 < len(pattern) and pattern[i + 1] == "+":
            raise ValueError("possessive repetition (`*+`) is not RE2 syntax")
        elif c == "{":
            end = pattern.find("}", i)
            body = pattern[i + 1:end] if end > 0 else ""
            if end < 0 or not body or not all(ch.isdigit() or ch == "," for ch in body) or body[0] == ",":
                raise ValueError("a `{` that is not a repetition count is read differently")
            out.append(pattern[i:end + 1])
            i = end + 1
            continue
        elif c == ".":
            out.append(_ANY)
            i += 1
            continue
        elif c == "$":
            out.append(r"\z")
            i += 1
            continue
        out.append(c)
        i += 1
    if depth:
        raise ValueError("unbalanced parentheses")
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> str:
    if i + 1 >= len(pattern):
        raise ValueError("a trailing backslash")
    c = pattern[i + 1]
    if c in _PLAIN_ESCAPES:
        return "\\" + c
    if c in _CLASS_ESCAPES:
        if in_class and c in "DWS":
            raise ValueError(f"`\\{c}` inside a character class is read differently")
        text = _CLASS_ESCAPES[c]
        return text[1:-1] if in_class and text.startswith("[") else text
    raise ValueError(f"the escape `\\{c}` is read differently (or not at all) by Java")


def _char_class(pattern: str, start: int) -> tuple[int, str]:
    """The class opening at `start`: (the index after it, its Java text)."""
    out = ["["]
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i < len(pattern):
        c = pattern[i]
        if c == "]" and not first:
            out.append("]")
            return i + 1, "".join(out)
        if c == "[":
            raise ValueError("`[` inside a character class (a POSIX class, or a nested class in Java)")
        if c == "&" and pattern.startswith("&&", i):
            raise ValueError("`&&` inside a character class is an intersection in Java")
        if c == "\\":
            out.append(_escape(pattern, i, in_class=True))
            i += 2
        else:
            out.append("\\]" if c == "]" else c)
            i += 1
        first = False
    raise ValueError("an unclosed character class")


def _pattern_literal(pattern: exp.Expression, what: str) -> str:
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise Unexpressible(what, "Spark reads regular expressions as Java does, not as RE2 (the "
                            "Python engine), so only a pattern written in the rules can be checked "
                            "and translated; this one is computed when the rule runs", None)
    try:
        return java_pattern(pattern.this)
    except ValueError as exc:
        raise Unexpressible(f"{what} with the pattern {pattern.sql()}",
                            f"Spark reads regular expressions as Java does, not as RE2: {exc}", None) from None


def _full_match(self: Generator, expression: exp.RegexpFullMatch) -> str:
    java = _pattern_literal(expression.expression, "`match`")
    regex = exp.Literal.string(r"\A(?:" + java + r")\z")
    return self.binary(exp.RegexpLike(this=expression.this, expression=regex), "RLIKE")


def _partial_match(self: Generator, expression: exp.RegexpLike) -> str:
    java = _pattern_literal(expression.expression, "a regular expression")
    return self.binary(exp.RegexpLike(this=expression.this, expression=exp.Literal.string(java)), "RLIKE")


def _nan() -> exp.Expression:
    return exp.cast(exp.Literal.string("NaN"), exp.DataType.build("DOUBLE"))


def _ieee_div(self: Generator, expression: exp.Div) -> str:
    """`a / b` as IEEE division: a zero divisor gives NaN (0/0, NaN/0) or an infinity signed
    by both operands (the divisor's sign read from its text, so -0.0 counts as negative)."""
    a, b = expression.this, expression.expression
    text = self.sql(a), self.sql(b)
    negative_divisor = f"(CAST({text[1]} AS STRING) LIKE '-%')"
    return (f"(CASE WHEN {text[1]} <> 0 THEN {text[0]} / {text[1]} "
            f"WHEN {text[0]} = 0 OR isnan({text[0]}) OR isnan({text[1]}) THEN CAST('NaN' AS DOUBLE) "
            f"WHEN ({text[0]} > 0) <> {negative_divisor} THEN CAST('Infinity' AS DOUBLE) "
            f"ELSE CAST('-Infinity' AS DOUBLE) END)")


def _fmod(self: Generator, a: exp.Expression, b: exp.Expression) -> str:
    """C's `fmod` (Java's `%` on doubles), NaN where it is undefined (a zero divisor, an
    infinite dividend), where Spark's `%` would fail."""
    x, y = self.sql(a), self.sql(b)
    return (f"(CASE WHEN {y} = 0 OR isnan({x}) OR isnan({y}) OR abs({x}) = CAST('Infinity' AS DOUBLE) "
            f"THEN CAST('NaN' AS DOUBLE) ELSE CAST({x} AS DOUBLE) % CAST({y} AS DOUBLE) END)")


_SPARK_GENERATOR: Any = Spark.Generator  # a class attribute, which mypy does not take as a base


def _cast(self: Generator, expression: exp.Cast) -> str:
    """`CAST(trim(text) AS BIGINT)` (`to_number` of a symbol, after its syntax was checked): the
    hexadecimal (`0x1f`) and binary (`0b101`) forms the Python engine reads too, which Spark's
    cast refuses, through `conv`; an overflow fails either way."""
    if not (isinstance(expression.this, exp.Trim) and expression.to.is_type("bigint")):
        return self.cast_sql(expression)
    text = self.sql(expression.this)
    sign = f"(CASE WHEN {text} LIKE '-%' THEN -1 ELSE 1 END)"

    def radix(prefix: str, digits: str, base: int) -> str:
        found = f"regexp_extract({text}, '0[{prefix}]([{digits}]+)', 1)"
        return f"WHEN {text} RLIKE '^[+-]?0[{prefix}]' THEN {sign} * CAST(conv({found}, {base}, 10) AS BIGINT) "

    return (f"(CASE {radix('xX', '0-9a-fA-F', 16)}{radix('bB', '01', 2)}"
            f"ELSE CAST({text} AS BIGINT) END)")


class ReasonerSpark(Spark):
    """sqlglot's Spark dialect with the forms of the module docstring."""

    class Generator(_SPARK_GENERATOR):
        TRANSFORMS = {
            **_SPARK_GENERATOR.TRANSFORMS,
            exp.RegexpFullMatch: _full_match,
            exp.RegexpLike: _partial_match,
            exp.Div: _ieee_div,
            exp.Cast: _cast,
        }

        def anonymous_sql(self, expression: exp.Anonymous) -> str:
            name = expression.name.upper()
            args = expression.expressions
            if name == "ERROR":
                return self.func("RAISE_ERROR", *args)
            if name == "FSUM":
                return self.func(FSUM_FUNCTION, exp.func("collect_list", args[0]))
            if name == "FMOD":
                return _fmod(self, args[0], args[1])
            if name == "PRINTF":
                raise Unexpressible("`to_string` of a float", "Java's `%f` rounds the shortest decimal "
                                    "form of a double, C's (and the Python engine's) its exact value, so "
                                    "some floats would read differently", None)
            return super().anonymous_sql(expression)
