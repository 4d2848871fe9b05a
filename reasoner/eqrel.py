"""`eqrel` relations, stored as their classes (a union-find) rather than as their pairs.

An `eqrel` relation holds the equivalence that the pairs inserted into it generate: two values
are related when inserted pairs link them, directly or through others, in either direction, and
every value it holds is related to itself. A class of n values is n² pairs; Soufflé stores the
classes instead, and so does `EqrelRelation`: memory linear in the values, whatever the pairs.

Each value maps to its class's list of members (one list per class, shared by its members):
two values are related when they map to the same list. Merging two classes appends the smaller
list to the larger and points the smaller's members at it (union by size: a value moves at most
log₂ n times). Lists only grow, so a class as it was is a prefix of its list as it is.

The inserted pairs that merged two classes or brought in a value are kept, with the round of the
fixpoint that inserted them: the *links*, a spanning forest of each class. From them a class is
rebuilt (to undo an insertion), an explanation finds the links joining two values (`linking`),
and the round a pair first held is the latest round of the links on that path (`round_of`).

Plans read it as any `Relation`: `tuples` is a set-like view of every pair (membership: the
same class; iteration: class by class, lazily), `index((0,))` maps a value to its pairs (its
class), and an insertion returns the pairs it adds as `NewPairs`, the classes it merged as
slices of their lists, iterated lazily: the delta of semi-naive evaluation, exact, without
storing n² pairs. `len` counts pairs, as Soufflé's does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import islice, repeat
from typing import Any

from reasoner.relation import Relation

# A part of a class as it was: (its list, how many of its first members, whether they were
# related among themselves before: False for the values the insertion brings in).
_Part = tuple[list, int, bool]


class EqrelRelation(Relation):
    """An equivalence relation over one type, stored as its classes (see the module)."""

    __slots__ = ("_class_of", "_links", "_count", "_forest")

    def __init__(self, name: str, arity: int, tuples: Iterable[tuple] = (), derivations: bool = False):
        super().__init__(name, arity, (), derivations)
        self._class_of: dict[Any, list] = {}
        self._links: dict[tuple, int | None] = {}  # link -> the round that inserted it (None: a fact)
        self._count = 0  # pairs held: the sum of the squares of the class sizes
        self._forest: dict[Any, list[tuple]] | None = None  # value -> its links, built for explanations
        self.tuples = _Pairs(self)  # type: ignore[assignment]
        self._merge(tuples, None, track=False)

    def __len__(self) -> int:
        return self._count

    def copy(self) -> EqrelRelation:
        other = EqrelRelation(self.name, self.arity, (), self.rounds is not None)
        other._relink(self._links)
        return other

    def snapshot(self) -> AbstractSet[tuple]:
        """Every pair held now, as new pairs (each class one part): later insertions leave it
        as it is, since they only append to the lists."""
        return NewPairs([[(members, len(members), False)] for members in self._classes()])

    # ---- indexes: every column set is indexed, by the classes themselves -----------------
    def index(self, columns: tuple[int, ...]) -> Any:
        return _ClassIndex(self, columns)

    def has_index(self, columns: tuple[int, ...]) -> bool:
        return True

    def rows_to_index(self, columns: tuple[int, ...]) -> int:
        return 0

    def grow_index(self, columns: tuple[int, ...], rows: int) -> None:
        return None

    def probe_columns(self, columns: tuple[int, ...]) -> tuple[int, ...]:
        return columns

    def scan_columns(self, columns: tuple[int, ...]) -> tuple[int, ...]:
        return columns

    def probe_cost(self, columns: tuple[int, ...]) -> float:
        if len(columns) == self.arity:
            return 1.0
        if not columns:
            return float(self._count)
        return self._count / max(1, len(self._class_of))  # the class of a value, on average

    # ---- changes ------------------------------------------------------------------------
    def insert_new(self, rows: set[tuple], round_: int | None = None) -> AbstractSet[tuple]:
        """Insert pairs not held yet; returns every pair that now holds and did not (`NewPairs`)."""
        added = self._merge(rows, round_, track=True)
        if self._sorted:
            for sorted_index in self._sorted.values():
                sorted_index.add(added)
        return added

    def remove(self, rows: set[tuple]) -> None:
        """Take back pairs inserted by `insert_new`: the classes as the other links make them."""
        self._drop_links(rows)

    def retract(self, rows: set[tuple]) -> Callable[[], None]:
        """Take out the links among `rows`: what remains is the equivalence the other links
        generate (a pair that other links imply stays). Returns what puts them back."""
        links = dict(self._links)
        self._drop_links(rows)

        def restore() -> None:
            self._relink(links)

        return restore

    def _drop_links(self, rows: AbstractSet[tuple]) -> None:
        if any(row in self._links for row in rows):
            self._relink({link: r for link, r in self._links.items() if link not in rows})

    def _relink(self, links: dict[tuple, int | None]) -> None:
        """The classes built again from `links` (in their order, with their rounds)."""
        held = self._sorted and set(self.tuples)
        self._class_of, self._links, self._count, self._forest = {}, {}, 0, None
        for link, round_ in links.items():
            self._merge((link,), round_, track=False)
        if held:
            lost = {pair for pair in held if pair not in self.tuples}
            for sorted_index in self._sorted.values():
                sorted_index.remove(lost)

    def _merge(self, rows: Iterable[tuple], round_: int | None, track: bool) -> NewPairs:
        """Insert pairs, merging classes; with `track`, what they add as `NewPairs`."""
        class_of, links = self._class_of, self._links
        known = len(links)
        before: dict[int, tuple[list, int]] = {}  # id(list) -> (list, its length before), if touched
        fresh: list = []  # values this insertion brings in
        for row in _in_order(rows):
            a, b = row
            first = class_of.get(a)
            if first is None:
                first = class_of[a] = [a]
                fresh.append(a)
                self._count += 1
                links[row] = round_  # brings `a` in (merged with b's class below, if b is not a)
                if track:
                    before[id(first)] = (first, 0)
            second = class_of.get(b)
            if second is None:
                second = class_of[b] = [b]
                fresh.append(b)
                self._count += 1
                if track:
                    before[id(second)] = (second, 0)
            if first is second:
                continue
            links[row] = round_
            if len(first) < len(second):
                first, second = second, first
            if track:
                for members in (first, second):
                    if id(members) not in before:
                        before[id(members)] = (members, len(members))
            self._count += 2 * len(first) * len(second)
            for value in second:
                class_of[value] = first
            first.extend(second)
        if len(links) != known:
            self._forest = None  # built again when an explanation needs it
        if not track:
            return NewPairs([])
        # Group the parts by the class each ended in.
        groups: dict[int, list[_Part]] = {}
        for members, length in before.values():
            if length:
                groups.setdefault(id(class_of[members[0]]), []).append((members, length, True))
        brought: dict[int, list] = {}
        for value in fresh:
            brought.setdefault(id(class_of[value]), []).append(value)
        for key, values in brought.items():
            groups.setdefault(key, []).append((values, len(values), False))
        return NewPairs(list(groups.values()))

    def _classes(self) -> Iterator[list]:
        seen: set[int] = set()
        for members in self._class_of.values():
            if id(members) not in seen:
                seen.add(id(members))
                yield members

    # ---- explanations -------------------------------------------------------------------
    def class_size(self, value: object) -> int:
        """How many values are in the class of `value` (0: it holds no pair with it)."""
        members = self._class_of.get(value)
        return 0 if members is None else len(members)

    def round_of(self, row: tuple) -> int | None:
        """The round in which a pair first held: the latest of the links joining its values
        (None: only facts join them, or no records are kept, or it does not hold)."""
        if self.rounds is None or row not in self.tuples:
            return None
        path = self.linking(row)
        rounds = [self._links[link] for link in path]
        latest = max((r for r in rounds if r is not None), default=None)
        return latest

    def linking(self, row: tuple) -> list[tuple]:
        """The links that relate the two values of a pair that holds, in order from the first
        value to the second: the pair itself if it is a link; for a value with itself, one
        link that brought the value in."""
        a, b = row
        if row in self._links:
            return [row]
        forest = self._links_by_value()
        if a == b:
            return forest[a][:1]
        path = _path(forest, a, b)
        assert path is not None, f"{row} holds, so links join its values"
        return path

    def _links_by_value(self) -> dict[Any, list[tuple]]:
        if self._forest is None:
            forest: dict[Any, list[tuple]] = {}
            for link in self._links:
                forest.setdefault(link[0], []).append(link)
                if link[1] != link[0]:
                    forest.setdefault(link[1], []).append(link)
            self._forest = forest
        return self._forest


def _in_order(rows: Iterable[tuple]) -> Iterable[tuple]:
    """Rows in sorted order, so that the links chosen among pairs that close a cycle (and so the
    explanations) do not depend on the order of a set. One column type: they compare."""
    if isinstance(rows, list | tuple) and len(rows) <= 1:
        return rows
    try:
        return sorted(rows)
    except TypeError:  # values that do not compare: as they come
        return list(rows)


def _path(forest: dict[Any, list[tuple]], start: Any, goal: Any) -> list[tuple] | None:
    """The links from `start` to `goal` in the forest (breadth first: it has one path)."""
    came: dict[Any, tuple[Any, tuple] | None] = {start: None}
    queue = [start]
    for value in queue:
        if value == goal:
            break
        for link in forest.get(value, ()):
            other = link[1] if link[0] == value else link[0]
            if other not in came:
                came[other] = (value, link)
                queue.append(other)
    if goal not in came:
        return None
    path = []
    step = came[goal]
    while step is not None:
        value, link = step
        path.append(link)
        step = came[value]
    path.reverse()
    return path


class _Pairs(AbstractSet[tuple]):
    """Every pair an `EqrelRelation` holds, read through its classes."""

    __slots__ = ("_relation",)

    def __init__(self, relation: EqrelRelation):
        self._relation = relation

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, tuple) or len(row) != 2:
            return False
        class_of = self._relation._class_of
        first = class_of.get(row[0])
        return first is not None and first is class_of.get(row[1])

    def __iter__(self) -> Iterator[tuple]:
        for members in list(self._relation._classes()):
            for value in members:
                yield from zip(repeat(value), members)

    def __len__(self) -> int:
        return self._relation._count

    def __le__(self, other: AbstractSet[Any]) -> bool:
        if not isinstance(other, _Pairs):
            return super().__le__(other)
        theirs = other._relation._class_of
        return all(len({id(theirs.get(value)) for value in members}) == 1 and members[0] in theirs
                   for members in self._relation._classes())

    def __sub__(self, other: AbstractSet[Any]) -> AbstractSet[tuple]:
        """With another eqrel's pairs (its state before or after a change): per class, the
        pairs across the parts that the other's classes cut it into (`NewPairs`), without
        listing the n² pairs."""
        if not isinstance(other, _Pairs):
            return super().__sub__(other)
        theirs = other._relation._class_of
        groups = []
        for members in self._relation._classes():
            parts: dict[int, list] = {}
            for value in members:
                parts.setdefault(id(theirs.get(value)), []).append(value)
            if len(parts) > 1 or id(None) in parts:
                groups.append([(values, len(values), key != id(None)) for key, values in parts.items()])
        return NewPairs(groups)

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> set:
        return set(it)


class NewPairs(AbstractSet[tuple]):
    """The pairs an insertion added: per class it merged into, the parts it was made of (the
    classes as they were, as prefixes of their lists, and the values brought in); every pair
    of the class except those within one old class."""

    __slots__ = ("_groups", "_where")

    def __init__(self, groups: list[list[_Part]]):
        self._groups = groups
        self._where: dict[Any, tuple[int, int]] | None = None

    def __iter__(self) -> Iterator[tuple]:
        for parts in self._groups:
            for i, (members, length, old) in enumerate(parts):
                for value in islice(members, length):
                    for j, (others, others_length, _) in enumerate(parts):
                        if i != j or not old:
                            yield from zip(repeat(value), islice(others, others_length))

    def __len__(self) -> int:
        total = 0
        for parts in self._groups:
            total += sum(length for _, length, _ in parts) ** 2
            total -= sum(length * length for _, length, old in parts if old)
        return total

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, tuple) or len(row) != 2:
            return False
        if self._where is None:
            self._where = {value: (g, p) for g, parts in enumerate(self._groups)
                           for p, (members, length, _) in enumerate(parts) for value in islice(members, length)}
        first, second = self._where.get(row[0]), self._where.get(row[1])
        if first is None or second is None or first[0] != second[0]:
            return False
        return first != second or not self._groups[first[0]][first[1]][2]

    def __or__(self, other: AbstractSet[Any]) -> AbstractSet[Any]:
        return self if not other else super().__or__(other)

    def __ror__(self, other: AbstractSet[Any]) -> AbstractSet[Any]:
        return self if not other else super().__or__(other)

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> set:
        return set(it)


class _ClassIndex:
    """An eqrel's hash index on some columns, read through its classes: a value's pairs are
    its class (with the value first for column 0, second for column 1)."""

    __slots__ = ("_relation", "_columns")

    def __init__(self, relation: EqrelRelation, columns: tuple[int, ...]):
        self._relation = relation  # read at each probe: an undone insertion rebuilds its classes
        self._columns = columns

    def get(self, key: Any, default: Any = None) -> Any:
        class_of = self._relation._class_of
        if self._columns == (0, 1):
            first = class_of.get(key[0])
            return (key,) if first is not None and first is class_of.get(key[1]) else default
        members = class_of.get(key)
        if members is None:
            return default
        return zip(repeat(key), members) if self._columns == (0,) else zip(members, repeat(key))

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None
