"""Sorted indexes: the rows of a relation grouped by some columns and sorted by one more.

A plan whose body bounds a column of an atom from both sides (`D1 < D2, D2 <= D1 + 30`)
looks the rows up through a `SortedIndex` on (the atom's bound columns, that column): the
bucket of the bound columns' key holds the range values in ascending order and, in a list of
the same length, the rows they come from, so that two `bisect` calls give the slice of rows
in range. The generated code reads the buckets directly:

    bucket = index.get(key)               # (values, rows), or None
    lo = bisect_right(bucket[0], low)     # first row with value > low
    hi = bisect_right(bucket[0], high)    # past the last row with value <= high
    for row in bucket[1][lo:hi]: ...

The key is shaped as the hash indexes shape it: the value itself for one column, a tuple for
several, `()` for none. A column holds values of one type (numbers, floats, dates or symbols,
which compare as Python compares them). Rows whose range value is a float NaN are left out:
no comparison holds for them. The lists are modified in place, never while a plan reads them
(tuples are inserted between the runs of the plans), and a plan iterates over a copy of its
slice anyway.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from operator import itemgetter

# A new batch at most this large is put in place row by row (`list.insert` after a bisect);
# a larger one is appended and the bucket re-sorted (timsort merges the two sorted runs).
_INSERT_ONE_BY_ONE = 16


def _key_function(columns: tuple[int, ...]) -> Callable[[tuple], object]:
    if not columns:
        return lambda row: ()
    return itemgetter(*columns)


class SortedIndex:
    """Per key of `columns`, the rows sorted by the value of `column`."""

    __slots__ = ("columns", "column", "buckets", "_key", "_value")

    def __init__(self, columns: tuple[int, ...], column: int, rows: Iterable[tuple] = ()):
        self.columns = columns
        self.column = column
        self.buckets: dict[object, tuple[list, list]] = {}
        self._key = _key_function(columns)
        self._value = itemgetter(column)
        if not columns:
            self.buckets[()] = ([], [])  # always there: plans read it once, when bound
        self.add(rows)

    def get(self, key: object) -> tuple[list, list] | None:
        """The (sorted values, rows) of `key`, or None."""
        return self.buckets.get(key)

    def add(self, rows: Iterable[tuple]) -> None:
        """Add rows not in the index yet: grouped by key, then merged into each bucket."""
        key, value = self._key, self._value
        groups: dict[object, list[tuple]] = {}
        for row in rows:
            v = value(row)
            if v != v:  # NaN: outside every range
                continue
            k = key(row)
            group = groups.get(k)
            if group is None:
                groups[k] = [row]
            else:
                group.append(row)
        buckets = self.buckets
        for k, new in groups.items():
            bucket = buckets.get(k)
            if bucket is None:
                new.sort(key=value)
                buckets[k] = (list(map(value, new)), new)
                continue
            values, old = bucket
            if len(new) <= _INSERT_ONE_BY_ONE:
                for row in new:
                    v = value(row)
                    at = bisect_right(values, v)
                    values.insert(at, v)
                    old.insert(at, row)
            else:
                old.extend(new)
                old.sort(key=value)
                values[:] = map(value, old)

    def remove(self, rows: Iterable[tuple]) -> None:
        """Take rows out of the index (rows it does not hold are ignored)."""
        key, value = self._key, self._value
        for row in rows:
            bucket = self.buckets.get(key(row))
            if bucket is None:
                continue
            values, held = bucket
            v = value(row)
            if v != v:
                continue
            start, stop = bisect_left(values, v), bisect_right(values, v)
            for at in range(start, stop):
                if held[at] == row:
                    del values[at]
                    del held[at]
                    break

    def __len__(self) -> int:
        return sum(len(values) for values, _ in self.buckets.values())
