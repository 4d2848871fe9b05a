"""Records and algebraic data types: their values, their types, and their text.

A record type `.type P = [x: number, y: P]` holds `[1, [2, nil]]`; an algebraic data type
`.type T = A {x: number} | B {}` holds `$A(1)` and `$B`. Both are `Record` values: immutable,
hashable, equal when their branch and fields are equal, and never a `tuple` (so never mistaken
for a row) nor a `str` (never mistaken for a symbol). `nil`, the empty record of every record
type, is `Record(None)`: a value like any other, made where it is needed.

In rules a record is a `Call` whose op is `[]`, `nil` or `$Branch` (`reasoner.ast`); a pattern
in a body is turned into the internal ops `~is` (a test of the branch) and `~field` (a field)
by `reasoner.syntax.records`, typed by `reasoner.analysis.records`, and written as Python by
`record_code` here. Output files print values as Soufflé does (`[1, [2, nil]]`, `$A(1)`,
symbols unquoted) and fact files are read as Soufflé reads them (`RecordTypes.parse`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence

import attrs

from reasoner import ast
from reasoner.types import BASE_TYPES, format_float, parse_date, parse_value

# The ops of `ast.Call` that make or take apart records (besides `$Branch`).
CONSTRUCTORS = frozenset({"[]", "nil"})
INTERNAL = frozenset({"~is", "~field"})  # written by the pattern lowering, never by users


def is_record_op(op: str) -> bool:
    """Whether a `Call` with this op is about records or algebraic data types."""
    return op in CONSTRUCTORS or op in INTERNAL or op.startswith("$")


def constructs(op: str) -> bool:
    """Whether the op makes a record value (`[a, b]`, `nil`, `$A(x)`)."""
    return op in CONSTRUCTORS or op.startswith("$")


@attrs.frozen(cache_hash=True, order=False)
class Record:
    """A record (`branch` None; `fields` None for `nil`) or a branch of an algebraic data
    type (`branch` its name, `fields` its arguments, `()` for an enumeration's value)."""

    fields: tuple[object, ...] | None
    branch: str | None = None

    def _key(self) -> tuple[object, ...]:
        if self.fields is None:
            return (0,)
        return (1, self.branch or "", self.fields)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        if self.fields is None:
            return "nil"
        parts = ", ".join(_text(v) for v in self.fields)
        if self.branch is None:
            return f"[{parts}]"
        return f"${self.branch}({parts})" if self.fields else f"${self.branch}"


def _text(value: object) -> str:
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# ---- types ---------------------------------------------------------------------------


@attrs.frozen
class RecordType:
    """A record type, or one branch of an algebraic data type (`adt` its type's name): the
    names of its fields and their types (a base type, or the name of a record or ADT type)."""

    name: str
    fields: tuple[str, ...]
    types: tuple[str, ...]
    adt: str | None = None

    def signature(self) -> str:
        inner = ", ".join(f"{f}: {t}" for f, t in zip(self.fields, self.types))
        return f"${self.name} {{{inner}}}" if self.adt is not None else f"[{inner}]"


@attrs.frozen
class RecordTypes:
    """The record types and algebraic data types of a program, by name, and every branch of
    its algebraic data types, by branch name."""

    records: Mapping[str, RecordType] = attrs.field(factory=dict)
    adts: Mapping[str, tuple[RecordType, ...]] = attrs.field(factory=dict)
    branches: Mapping[str, RecordType] = attrs.field(factory=dict)

    def __bool__(self) -> bool:
        return bool(self.records or self.adts)

    def is_record_type(self, base: str | None) -> bool:
        return base is not None and (base in self.records or base in self.adts)

    def field_type(self, base: str | None, branch: str, index: int) -> str | None:
        """The type of field `index` of a value of type `base` (of its branch `branch`)."""
        kind = self.branches.get(branch) if branch else self.records.get(base or "")
        if kind is None or not 0 <= index < len(kind.types):
            return None
        return kind.types[index]

    def holds(self, base: str, value: object) -> bool:
        """Whether `value` is a value of the record or ADT type `base`, field by field."""
        from reasoner.types import accepts

        if not isinstance(value, Record):
            return base in BASE_TYPES and accepts(base, value)
        if base in self.records:
            if value.fields is None:
                return value.branch is None
            kind = self.records[base]
        elif base in self.adts and value.branch is not None and value.branch in self.branches \
                and self.branches[value.branch].adt == base:
            kind = self.branches[value.branch]
        else:
            return False
        return (value.fields is not None and len(value.fields) == len(kind.types)
                and all(self.holds(t, v) for t, v in zip(kind.types, value.fields)))

    def parse(self, text: str, base: str) -> object:
        """A value of type `base` written as Soufflé writes it in fact files. Raises ValueError."""
        reader = _Reader(text, self)
        value = reader.value(base, "")
        reader.skip_space()
        if reader.pos != len(text):
            raise ValueError(f"unexpected `{text[reader.pos:][:20]}` after a value of type {base}")
        return value


_NUMBER = re.compile(r"[-+]?(0[xX][0-9A-Fa-f]+|0[bB][01]+|\d+)")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|nan)")


class _Reader:
    """Soufflé's reading of records and ADTs in fact files: `nil`, `[f1, f2]`, `$B(a, b)`, `$B`;
    a symbol field is quoted or runs up to the next `,` or closing bracket."""

    def __init__(self, text: str, types: RecordTypes):
        self.text, self.pos, self.types = text, 0, types

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, char: str) -> None:
        self.skip_space()
        if not self.text.startswith(char, self.pos):
            got = self.text[self.pos] if self.pos < len(self.text) else "the end"
            raise ValueError(f"expected `{char}` at character {self.pos + 1}, got `{got}`")
        self.pos += 1

    def value(self, base: str, stops: str) -> object:
        self.skip_space()
        if base in self.types.records:
            return self.record(self.types.records[base])
        if base in self.types.adts:
            return self.branch(base)
        if base == "symbol":
            return self.symbol(stops)
        pattern = _FLOAT if base == "float" else _NUMBER
        if base == "date":
            text = self.text[self.pos:self.pos + 10]
            self.pos += len(text)
            return parse_date(text)
        match = pattern.match(self.text, self.pos)
        if match is None:
            raise ValueError(f"expected {'a float' if base == 'float' else 'a number'} at character {self.pos + 1}")
        self.pos = match.end()
        return parse_value(match.group(), base if base in BASE_TYPES else "number")

    def fields(self, types: Sequence[str], close: str) -> tuple[object, ...]:
        values = []
        for i, kind in enumerate(types):
            if i:
                self.expect(",")
            values.append(self.value(kind, "," + close))
        self.expect(close)
        return tuple(values)

    def record(self, kind: RecordType) -> Record:
        if self.text.startswith("nil", self.pos):
            self.pos += 3
            return Record(None)
        self.expect("[")
        return Record(self.fields(kind.types, "]"))

    def branch(self, adt: str) -> Record:
        self.expect("$")
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_?"):
            self.pos += 1
        name = self.text[start:self.pos]
        kind = self.types.branches.get(name)
        if kind is None or kind.adt != adt:
            raise ValueError(f"`${name}` is not a branch of {adt}")
        if not kind.types:
            self.skip_space()
            if self.text.startswith("(", self.pos):
                self.expect("(")
                self.expect(")")
            return Record((), name)
        self.expect("(")
        return Record(self.fields(kind.types, ")"), name)

    def symbol(self, stops: str) -> str:
        if self.text.startswith('"', self.pos):
            end = self.pos + 1
            out = []
            while end < len(self.text) and self.text[end] != '"':
                if self.text[end] == "\\" and end + 1 < len(self.text):
                    end += 1
                out.append(self.text[end])
                end += 1
            if end >= len(self.text):
                raise ValueError("unclosed `\"` in a record")
            self.pos = end + 1
            return "".join(out)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        return self.text[start:self.pos]


# ---- generated code ------------------------------------------------------------------


def _field(value: object, index: int) -> object:
    """Field `index` of a record (None for `nil` or a branch that has no such field: the
    `~is` test placed before it has already left such a value out)."""
    fields = value.fields if isinstance(value, Record) else None
    return fields[index] if fields is not None and index < len(fields) else None


def _is(branch: str) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        if not isinstance(value, Record) or value.fields is None:
            return False
        return value.branch == (branch or None)

    return test


def record_code(term: ast.Call, expr: Callable[[ast.Term], str], constant: Callable[[object], str]) -> str:
    """The Python expression for a record op; `expr(term)` writes an argument, `constant(value)`
    names a value the generated code holds (a constant of its plan)."""
    op = term.op
    if op == "nil":
        return constant(Record(None))
    if op == "~is":  # `~is(R, "branch", arity)`: R is that branch ("": a record, not nil)
        return f"{constant(_is(str(_value(term.args[1]))))}({expr(term.args[0])})"
    if op == "~field":  # `~field(R, "branch", index)`
        return f"{constant(_field)}({expr(term.args[0])}, {_value(term.args[2])!r})"
    args = "".join(expr(a) + ", " for a in term.args)
    if op == "[]":
        return f"{constant(Record)}(({args}))"
    branch = op[1:]
    if not term.args:
        return constant(Record((), branch))
    return f"{constant(Record)}(({args}), {branch!r})"


def _value(term: ast.Term) -> object:
    assert isinstance(term, ast.Const)
    return term.value


def parse_column(text: str, base: str, types: RecordTypes | None) -> object:
    """A field of a fact file as a value of type `base`: a base type's value, or a record or
    ADT value when `types` (the program's record types) has `base`. Raises ValueError."""
    if base in BASE_TYPES or types is None or not types.is_record_type(base):
        return parse_value(text, base)
    return types.parse(text, base)


def constant_record(term: ast.Term) -> object | None:
    """The value a record term written with constants only stands for (`[1, [2, nil]]`,
    `$A("x")`); None when it has a variable or a computation."""
    if isinstance(term, ast.Const):
        return term.value
    if isinstance(term, ast.Call) and term.op == "neg" and isinstance(term.args[0], ast.Const):
        value = term.args[0].value
        return -value if isinstance(value, (int, float)) else None
    if not isinstance(term, ast.Call) or not constructs(term.op):
        return None
    if term.op == "nil":
        return Record(None)
    fields = tuple(constant_record(a) for a in term.args)
    if any(f is None for f in fields):
        return None
    return Record(fields, term.op[1:] if term.op.startswith("$") else None)


def unpacks(literal: object) -> ast.Call | None:
    """The `~is` or `~field` application of a literal that reads a record pattern's fields
    (`reasoner.syntax.records`), else None."""
    if not isinstance(literal, ast.Comparison):
        return None
    for side in (literal.left, literal.right):
        if isinstance(side, ast.Call) and side.op in INTERNAL:
            return side
    return None


def pattern_text(call: ast.Call) -> str:
    """What an internal application reads, as written: the record pattern (for `~is`) or the
    field of one (for `~field`)."""
    span = call.span
    text = "?"
    if span is not None and span.line == span.end_line:
        text = span.source.line(span.line)[span.column - 1:span.end_column]
    return f"the record pattern `{text}`" if call.op == "~is" else f"the field `{text}` of a record pattern"


def split_fields(text: str, delimiter: str) -> list[str]:
    """The fields of a fact-file line whose columns may hold records: the delimiter splits
    only outside brackets and quotes (`[1, a]` with `delimiter=","` is one field), as Soufflé
    reads a record wherever its column starts."""
    fields: list[str] = []
    depth, quoted, start, i = 0, False, 0, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(delimiter, i):
            fields.append(text[start:i])
            start = i + len(delimiter)
            i = start
            continue
        i += 1
    fields.append(text[start:])
    return fields
