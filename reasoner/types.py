"""Value types of the rule language: names, Python representation, reading and printing.

| type       | Python value     | printed as                                   |
|------------|------------------|----------------------------------------------|
| `symbol`   | `str`            | the text itself                              |
| `number`   | `int`            | decimal                                      |
| `unsigned` | `int` (>= 0)     | decimal                                      |
| `float`    | `float`          | like C++ `ostream <<` (six significant digits)|
| `date`     | `datetime.date`  | ISO 8601, `2025-10-22` (our extension)       |

User types (`.type T <: number`, `.type T = A | B`) are checked as their base type.
"""

from __future__ import annotations

import datetime
import math
import struct
import sys

from reasoner.limits import BIG

BASE_TYPES = ("symbol", "number", "unsigned", "float", "date")
NUMERIC = frozenset({"number", "unsigned", "float"})
INTEGRAL = frozenset({"number", "unsigned"})

# Soufflé's default build uses 32-bit numbers; we check values against these bounds when
# reading facts, and compute with Python integers otherwise.
NUMBER_MIN, NUMBER_MAX = -(2**31), 2**31 - 1
UNSIGNED_MAX = 2**32 - 1


def parse_number(text: str) -> int:
    """A number as written in rules and fact files: decimal, `0x..` hex or `0b..` binary."""
    stripped = text.strip()
    sign = 1
    body = stripped
    if body[:1] and body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    # ASCII only: `int` would also read other scripts' digits (`٣`), and `_` separators.
    digits, base = body, 10
    if body[:2].lower() == "0x":
        digits, base = body[2:], 16
    elif body[:2].lower() == "0b":
        digits, base = body[2:], 2
    if not digits or not digits.isascii() or not digits.isalnum():
        raise ValueError(f"`{text}` is not a number" if text else "an empty field is not a number")
    try:
        return sign * int(digits, base)
    except ValueError:
        raise ValueError(f"`{text}` is not a number") from None


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        raise ValueError(f"`{text}` is not a date (expected YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"`{text}` is not a valid date: {exc}") from None


def parse_value(text: str, base: str) -> object:
    """Read one field of a fact file as a value of `base` type. Raises ValueError."""
    if base == "symbol":
        return text
    if base == "number":
        value = parse_number(text)
        if not NUMBER_MIN <= value <= NUMBER_MAX:
            raise ValueError(f"`{text}` is out of range for number ({NUMBER_MIN}..{NUMBER_MAX})")
        return value
    if base == "unsigned":
        value = parse_number(text)
        if not 0 <= value <= UNSIGNED_MAX:
            raise ValueError(f"`{text}` is out of range for unsigned (0..{UNSIGNED_MAX})")
        return value
    if base == "float":
        try:
            if not text.isascii() or "_" in text:  # `float` reads `٣` and `1_0` too
                raise ValueError
            return float(text.strip())
        except ValueError:
            raise ValueError(f"`{text}` is not a float") from None
    if base == "date":
        return parse_date(text)
    raise ValueError(f"unknown type {base}")


def format_float(value: float) -> str:
    """A float as Soufflé's fact writer prints it: Soufflé's default build stores floats in
    32 bits and writes them with `setprecision(max_digits10)`, i.e. `%.9g` of the 32-bit value."""
    if math.isnan(value):
        return "nan" if math.copysign(1.0, value) > 0 else "-nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        single = value
    return "%.9g" % single


def format_value(value: object) -> str:
    """A value as batch output files print it (Soufflé's formatting)."""
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def display_value(value: object) -> str:
    """A value as tables and messages show it to people (shortest exact float)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def python_type_name(value: object) -> str | None:
    """The base type a Python value belongs to (None if it fits none)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return "symbol"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "float"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return "date"
    return None


def accepts(base: str, value: object) -> bool:
    """Whether a Python value may be stored in a column of `base` type."""
    kind = python_type_name(value)
    if kind is None:
        return False
    if kind == "number" and not -BIG < value < BIG:  # type: ignore[operator]
        return False  # more digits than an integer may have (`reasoner.limits.MAX_DIGITS`)
    if base == kind or base == "?":  # `?`: a column whose type nothing determines yet
        return True
    if base == "unsigned":
        return kind == "number" and 0 <= value <= UNSIGNED_MAX  # type: ignore[operator]
    if base == "float":
        return kind == "number" and -FLOAT_MAX <= value <= FLOAT_MAX  # type: ignore[operator]
    return False


FLOAT_MAX = int(sys.float_info.max)  # the largest integer that converts to a float


def short_repr(value: object) -> str:
    """`repr(value)` for messages, a long value cut (an integer of thousands of digits cannot
    even be converted to text)."""
    if isinstance(value, int) and not -10**50 < value < 10**50:
        return f"(an integer of about {int(abs(value).bit_length() * 0.30103) + 1:,} digits)"
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


def coerce(base: str, value: object) -> object:
    """The stored form of an accepted value (ints become floats in float columns)."""
    if base == "float" and isinstance(value, int):
        return float(value)
    return value
