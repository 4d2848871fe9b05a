"""What Soufflé's bitwise, logical and generating functors compute, called from compiled rules
(their entries are in `reasoner.functors.TABLE`).

Numbers are Python integers, so `band`, `bor`, `bxor`, `bshl` and `bshr` on numbers never
wrap around. `bshru` (a logical shift right) and `bnot` on an unsigned depend on a word
width; for those, and for every unsigned result (arithmetic and `bshl` wrap around it), a
value is taken as Soufflé's default 32-bit word, the width fact files are checked against.
The logical operators give 1 or 0.
"""

from __future__ import annotations

from collections.abc import Iterator

from reasoner.limits import MAX_DIGITS

WORD = 0xFFFFFFFF  # Soufflé's default 32-bit word


class ShiftError(ValueError):
    """A shift by a negative count, or by more bits than a value may have."""


def shift_left(value: int, count: int) -> int:
    if count < 0:
        raise ShiftError(f"bshl by a negative count ({count})")
    if value and count > MAX_DIGITS * 4:
        raise ShiftError(f"bshl by {count} bits makes more than {MAX_DIGITS:,} digits")
    return value << count


def shift_right(value: int, count: int) -> int:
    if count < 0:
        raise ShiftError(f"bshr by a negative count ({count})")
    return value >> count


def shift_right_unsigned(value: int, count: int) -> int:
    """A logical shift: a negative number is read as its 32-bit two's complement."""
    if count < 0:
        raise ShiftError(f"bshru by a negative count ({count})")
    return (value & WORD if value < 0 else value) >> count


def range_values(start: int | float, stop: int | float, step: int | float | None = None) -> Iterator[int | float]:
    """Soufflé's `range(start, stop[, step])`: from `start` towards `stop` (excluded) by
    `step` (1 or -1 by default, whichever goes towards `stop`); a step of 0 gives `start`
    alone, a step away from `stop` gives nothing. Float values are computed as
    `start + i * step`, so rounding does not accumulate."""
    if start == stop:
        return
    if step is None:
        step = 1 if start < stop else -1
    if step == 0:
        yield start
        return
    index = 0
    value = start
    while (value < stop) if step > 0 else (value > stop):
        yield value
        index += 1
        value = start + index * step
