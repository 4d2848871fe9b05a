"""The statements of generated code: lines, blocks, loops that count their iterations
towards the limit checks, and the split of a long body into a chain of functions.

Python refuses more than 20 nested loops in one function and 100 levels of indentation, so a
long body is written as a chain of functions: once a function holds `SPLIT_LOOPS` nested loops
(or `SPLIT_INDENT` of indentation), the rest of the body goes into a function of its own,
called with the variables bound so far. An aggregate's body stays in one function.
"""

from __future__ import annotations

import itertools

from reasoner.plan.expressions import ExpressionWriter

SPLIT_LOOPS = 10
SPLIT_INDENT = 30
MAX_LOOPS = 19  # Python's limit is 20 nested blocks
MAX_INDENT = 95  # ... and 100 levels of indentation


class TooDeep(Exception):
    """The code of a plan would nest deeper than Python allows (inside one aggregate)."""


class BlockWriter(ExpressionWriter):
    """The lines of one plan's functions, and the locals its prelude binds."""

    def __init__(self, types: dict[str, str]):
        super().__init__(types)
        self.lines: list[str] = []
        self.prelude: list[str] = []
        self.indent = 2
        self.relations: dict[str, str] = {}  # relation name -> local name
        self.indexes: dict[tuple[str, tuple[int, ...]], str] = {}
        self.sorted_indexes: dict[tuple[str, tuple[int, ...], int], str] = {}
        self.counter = itertools.count()
        # Nesting: the loops open in the function being written, and a stack of scopes (the
        # function's body, then each aggregate's body inside it), each with the loops opened in
        # it and how to skip the rest of the body at its top, outside any loop ("return ...",
        # or None inside an aggregate: there the rest is nested under an `if`).
        self.loops = 0
        self.scopes: list[list[object]] = [[0, "return"]]
        self.functions: list[tuple[str, list[str]]] = []  # the continuations (see SPLIT_LOOPS)
        self.counts: list[tuple[list[str], int]] = []  # where each loop counts its iterations

    # ---- naming ----------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def relation(self, name: str) -> str:
        local = self.relations.get(name)
        if local is None:
            local = f"R{len(self.relations)}"
            self.relations[name] = local
        return local

    def index(self, name: str, columns: tuple[int, ...]) -> str:
        key = (name, columns)
        local = self.indexes.get(key)
        if local is None:
            local = f"I{len(self.indexes)}"
            self.indexes[key] = local
            self.prelude.append(f"{local} = {self.relation(name)}.index({columns!r})")
        return local

    def sorted_index(self, name: str, columns: tuple[int, ...], column: int) -> str:
        """The local holding a sorted index; with no key columns, the locals `K<n>, V<n>`
        holding its one bucket's values and rows (modified in place, so read once)."""
        key = (name, columns, column)
        local = self.sorted_indexes.get(key)
        if local is None:
            number = len(self.sorted_indexes)
            local = f"S{number}" if columns else f"K{number}, V{number}"
            self.sorted_indexes[key] = local
            index = f"{self.relation(name)}.sorted_index({columns!r}, {column})"
            self.prelude.append(f"{local} = {index}" if columns else f"{local} = {index}.get(())")
        return local

    # ---- lines and blocks --------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)

    def open(self, text: str) -> None:
        if self.indent >= MAX_INDENT:
            raise TooDeep
        self.line(text)
        self.indent += 1

    def guard(self, condition: str) -> None:
        """Go on with the rest of the body only if `condition` holds: `continue` (or `return`
        at a function's top) when it does not, so that filters do not nest; an `if` block at
        the top of an aggregate's body."""
        loops, exit_ = self.scopes[-1]
        if loops:
            self.line(f"if not ({condition}): continue")
        elif exit_ is not None:
            self.line(f"if not ({condition}): {exit_}")
        else:
            self.open(f"if {condition}:")

    def loop(self, header: str) -> None:
        """Open a loop whose every iteration counts towards the next limit check: every `_n`
        iterations (of this loop or any other of the rule), `check` tests the limits and says
        when to call it again (see `Budget.check`), so the work between two checks is bounded
        however the loops nest, and a cheap loop does not pay a call per row."""
        if self.loops >= MAX_LOOPS:
            raise TooDeep
        self.open(header)
        self.loops += 1
        scope = self.scopes[-1]
        scope[0] = int(scope[0]) + 1  # type: ignore[call-overload]
        self.counts.append((self.lines, len(self.lines)))
        self.line("_n -= 1")
        self.line("if not _n: _n = check(_b)")

    def split(self, bound: set[str]) -> None:
        """Write the rest of the body into a new function, called here with the variables
        `bound` so far that it uses (and the loop counter, returned with the bytes made)."""
        name = f"k{len(self.functions)}"
        params = ", ".join(["_n", "_b", "emit", "check", "delta", *(self.var(n) for n in sorted(bound))])
        self.line(f"_n, _b = {name}({params})")
        self.lines = []
        self.functions.append((f"def {name}({params}):", self.lines))
        self.indent = 2
        self.loops = 0
        self.scopes = [[0, "return _n, _b"]]
