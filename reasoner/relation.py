"""A relation's tuples and the indexes plans read them through.

Hash indexes map the values of a column set to the tuples holding them; they are built on first
use and kept up to date as tuples are inserted and removed. A plan that runs on the few tuples of
an update may instead *grow* an index a little at each run (`grow_index`), so that no single
update pays for indexing a large relation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from operator import itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reasoner.sorted_index import SortedIndex

# An index on some of a probe's columns serves it if it holds at most this many rows per key on
# average (e.g. an index on an event's id serves a probe on its id and actor).
ROWS_PER_KEY = 4
# A plan run on the few tuples of an update builds a missing index on a relation of more rows
# than this only when reading every tuple instead would examine as many rows (see `Variants`).
SMALL_RELATION = 10_000


class Relation:
    """A set of tuples with hash indexes on the column sets that plans probe."""

    __slots__ = ("name", "arity", "tuples", "_indexes", "_growing", "_sorted", "rounds", "_round_of",
                 "_rounds_indexed")

    def __init__(self, name: str, arity: int, tuples: Iterable[tuple] = (), derivations: bool = False):
        self.name = name
        self.arity = arity
        self.tuples: set[tuple] = set(tuples)
        self._indexes: dict[tuple[int, ...], tuple[dict, Callable]] = {}
        self._growing: dict[tuple[int, ...], _Growing] = {}  # indexes built a part at a time
        self._sorted: dict[tuple[tuple[int, ...], int], SortedIndex] = {}
        # Derivation records: the tuples each round of its stratum's fixpoint added (the sets
        # evaluation builds anyway, kept), so that the round of any derived tuple is known;
        # input facts have none. Proofs are rebuilt from these on demand.
        self.rounds: list[tuple[int, set]] | None = [] if derivations else None
        self._round_of: dict[tuple, int] = {}
        self._rounds_indexed = 0

    def __len__(self) -> int:
        return len(self.tuples)

    def like(self, tuples: Iterable[tuple]) -> Relation:
        """A relation of the same kind, name and records holding `tuples` (to recompute it)."""
        return type(self)(self.name, self.arity, tuples, self.rounds is not None)

    def snapshot(self) -> AbstractSet[tuple]:
        """The tuples held now, left as they are by later insertions (a stratum's first delta)."""
        return set(self.tuples)

    def copy(self) -> Relation:
        """The same tuples and derivation records in a relation of its own (indexes are built
        again on first use): for an update that must leave this one as it is."""
        other = Relation(self.name, self.arity)
        other.tuples = set(self.tuples)
        other.rounds = list(self.rounds) if self.rounds is not None else None
        return other

    def index(self, columns: tuple[int, ...]) -> dict:
        """The index on `columns` (value, or tuple of values, -> list of tuples), built on
        first use and kept up to date as tuples are inserted."""
        entry = self._indexes.get(columns)
        if entry is None:
            growing = self._growing.get(columns)
            if growing is not None:
                self.grow_index(columns, len(growing.rows))
                return self._indexes[columns][0]
            key = itemgetter(*columns)
            index: dict = {}
            _fill(index, key, self.tuples)
            entry = (index, key)
            self._indexes[columns] = entry
        return entry[0]

    def has_index(self, columns: tuple[int, ...]) -> bool:
        return columns in self._indexes

    def rows_to_index(self, columns: tuple[int, ...]) -> int:
        """How many tuples an index on `columns` still has to take in before it is complete."""
        if columns in self._indexes:
            return 0
        growing = self._growing.get(columns)
        return len(self.tuples) if growing is None else len(growing.rows) - growing.done

    def grow_index(self, columns: tuple[int, ...], rows: int) -> None:
        """Index up to `rows` more of the tuples present when the index on `columns` was first
        grown (tuples inserted since are indexed as they come); once all are, the index is
        complete and plans probe it."""
        if columns in self._indexes:
            return
        growing = self._growing.get(columns)
        if growing is None:
            growing = self._growing[columns] = _Growing(itemgetter(*columns), list(self.tuples))
        end = min(len(growing.rows), growing.done + max(rows, 1))
        chunk = growing.rows[growing.done:end]
        if growing.removed:
            chunk = [row for row in chunk if row not in growing.removed]
        _fill(growing.index, growing.key, chunk)
        growing.done = end
        if end == len(growing.rows):
            del self._growing[columns]
            self._indexes[columns] = (growing.index, growing.key)

    def probe_columns(self, columns: tuple[int, ...]) -> tuple[int, ...]:
        """The columns of the index to probe for rows matching values on `columns`: those
        columns if that index exists; else an index already built on a subset of them that
        leaves few rows per key (the probe checks the other columns itself); else `columns`,
        built on first use."""
        if columns in self._indexes:
            return columns
        wanted = set(columns)
        best, best_keys = columns, 0
        for indexed, (index, _) in self._indexes.items():
            if set(indexed) < wanted and len(index) > best_keys:
                best, best_keys = indexed, len(index)
        if best_keys and len(self.tuples) <= ROWS_PER_KEY * best_keys:
            return best
        return columns

    def scan_columns(self, columns: tuple[int, ...]) -> tuple[int, ...]:
        """Like `probe_columns`, but () -- read every tuple -- rather than build an index on a
        large relation."""
        probed = self.probe_columns(columns)
        if probed not in self._indexes and len(self.tuples) > SMALL_RELATION:
            return ()
        return probed

    def probe_cost(self, columns: tuple[int, ...]) -> float:
        """The rows one probe on `columns` examines, reading through `scan_columns`."""
        if len(columns) == self.arity:
            return 1.0
        probed = self.scan_columns(columns) if columns else ()
        if not probed:
            return float(len(self.tuples))
        entry = self._indexes.get(probed)
        return len(self.tuples) / max(1, len(entry[0])) if entry is not None else 1.0

    def sorted_index(self, columns: tuple[int, ...], column: int) -> SortedIndex:
        """The rows grouped by `columns` and sorted by `column` (for range conditions on it),
        built on first use and kept up to date as tuples are inserted."""
        index = self._sorted.get((columns, column))
        if index is None:
            from reasoner.sorted_index import SortedIndex

            index = self._sorted[(columns, column)] = SortedIndex(columns, column, self.tuples)
        return index

    def insert_new(self, rows: set[tuple], round_: int | None = None) -> AbstractSet[tuple]:
        """Insert tuples known not to be present yet (derived in `round_`, if recorded); returns
        the tuples the relation gained: `rows` (an `eqrel`'s gains every pair they imply)."""
        self.tuples |= rows
        if round_ is not None and self.rounds is not None:
            self.rounds.append((round_, rows))
        for index, key in self._indexes.values():
            _fill(index, key, rows)
        for growing in self._growing.values():
            _fill(growing.index, growing.key, rows)
        for sorted_index in self._sorted.values():
            sorted_index.add(rows)
        return rows

    def round_of(self, row: tuple) -> int | None:
        """The round in which a derived tuple was added (None: an input fact, or no records)."""
        if self.rounds is None:
            return None
        if self._rounds_indexed < len(self.rounds):
            for round_, rows in self.rounds[self._rounds_indexed:]:
                self._round_of.update(dict.fromkeys(rows, round_))
            self._rounds_indexed = len(self.rounds)
        return self._round_of.get(row)

    def remove(self, rows: set[tuple]) -> None:
        """Take back tuples inserted by `insert_new` (used to undo a failed update)."""
        if self.rounds and self.rounds[-1][1] is rows:
            self.rounds.pop()
            self._forget_round_index()
        self._discard(rows)

    def retract(self, rows: set[tuple]) -> Callable[[], None]:
        """Delete tuples that no longer hold; returns the function that puts them back."""
        rounds = self.rounds
        if rounds is not None:
            self.rounds = [(r, added - rows) if not added.isdisjoint(rows) else (r, added)
                           for r, added in rounds]
            self._forget_round_index()
        self._discard(rows)

        def restore() -> None:
            self.insert_new(rows - self.tuples)
            self.rounds = rounds
            self._forget_round_index()

        return restore

    def _forget_round_index(self) -> None:
        """Drop the index of rounds, to be rebuilt by `round_of` from `rounds` as they are now."""
        self._round_of = {}
        self._rounds_indexed = 0

    def _discard(self, rows: set[tuple]) -> None:
        self.tuples -= rows
        for index, key in self._indexes.values():
            _unfill(index, key, rows)
        for growing in self._growing.values():
            _unfill(growing.index, growing.key, rows)
            growing.removed |= rows  # not to be indexed from the list of rows to do
        for sorted_index in self._sorted.values():
            sorted_index.remove(rows)


class _Growing:
    """An index being built a part at a time: the rows to index, and how many are done."""

    __slots__ = ("key", "rows", "done", "index", "removed")

    def __init__(self, key: Callable, rows: list[tuple]):
        self.key = key
        self.rows = rows
        self.done = 0
        self.index: dict = {}
        self.removed: set[tuple] = set()


def _unfill(index: dict, key, rows: Iterable[tuple]) -> None:
    """Take rows out of a hash index."""
    for row in rows:
        k = key(row)
        bucket = index.get(k)
        if bucket is not None and row in bucket:
            bucket.remove(row)
            if not bucket:
                del index[k]


def _fill(index: dict, key, rows: Iterable[tuple]) -> None:
    """Add rows to a hash index under their key columns."""
    get = index.get
    for row in rows:
        k = key(row)
        bucket = get(k)
        if bucket is None:
            index[k] = [row]
        else:
            bucket.append(row)


def index_choice(relations: dict[str, Relation], frugal: bool = False) -> Callable:
    """For a plan compiled over `relations`, `choose_index(relation, columns)`: the columns of
    the index to probe (`Relation.probe_columns`), or with `frugal` none on a large relation
    that lacks it (`Relation.scan_columns`)."""

    def choose(name: str, columns: tuple[int, ...]) -> tuple[int, ...]:
        relation = relations.get(name)
        if relation is None:
            return columns
        return relation.scan_columns(columns) if frugal else relation.probe_columns(columns)

    return choose
