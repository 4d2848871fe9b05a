"""The rule language's syntax tree: small frozen attrs classes, each carrying its source `Span`.

Terms: `Var`, `Wildcard`, `Const`, `Call` (arithmetic, string and date functors; records
`[a, b]` (op `[]`), `nil` and branches `$A(a)` of algebraic data types, see `reasoner.records`),
`Aggregate`. Literals: `Atom`, `Negation`, `Comparison`, `Test` (`contains`, `match`),
`Truth`. Statements: `Declaration`, `TypeDeclaration`, `IODirective`, `Include`, `Pragma`,
`FunctorDeclaration`, `Clause`, `Subsumption`
(a rule or a fact; disjunctions are already expanded), `Query`.
Every node prints back as rule-language text (`str(node)`).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Union

import attrs

from reasoner.source import Span

if TYPE_CHECKING:
    from reasoner.user_functors import UserFunctor


def _span_field():
    return attrs.field(eq=False, repr=False, default=None)


# ---- terms ---------------------------------------------------------------------------


@attrs.frozen
class Var:
    name: str
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class Wildcard:
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return "_"


@attrs.frozen
class Const:
    """A literal. `kind` is 'number' (an integer, usable where any numeric type is expected),
    'unsigned' (`1u`), 'float', 'symbol' or 'date'."""

    value: object
    kind: str
    span: Span | None = _span_field()

    def __str__(self) -> str:
        if self.kind == "symbol":
            escaped = str(self.value).replace("\\", "\\\\").replace('"', '\\"')
            return f'"{escaped}"'
        if isinstance(self.value, datetime.date):
            return self.value.isoformat()
        if self.kind == "unsigned":
            return f"{self.value}u"
        return str(self.value)


INFIX = ("+", "-", "*", "/", "%", "^", "band", "bor", "bxor", "bshl", "bshr", "bshru", "land", "lor", "lxor")
PREFIX = ("bnot", "lnot")


@attrs.frozen
class Call:
    """A functor application: infix arithmetic (`+ - * / % ^`) and bitwise or logical
    operators (`band`, `lor`...), `neg`, the prefixes `bnot` and `lnot`, or a named functor."""

    op: str
    args: tuple[Term, ...]
    span: Span | None = _span_field()
    # for a user-defined functor `@f(...)`: its `reasoner.user_functors.UserFunctor`, once bound
    function: UserFunctor | None = attrs.field(eq=False, repr=False, default=None)

    def __str__(self) -> str:
        if self.op in INFIX and len(self.args) == 2:
            return f"({self.args[0]} {self.op} {self.args[1]})"
        if self.op == "neg":
            return f"-{self.args[0]}"
        if self.op in PREFIX and len(self.args) == 1:
            return f"({self.op} {self.args[0]})"
        if self.op == "[]":  # a record, `reasoner.records`
            return f"[{', '.join(map(str, self.args))}]"
        if self.op == "nil" or self.op.startswith("$") and not self.args:
            return self.op
        return f"{self.op}({', '.join(map(str, self.args))})"


@attrs.frozen
class Aggregate:
    """`count : {...}`, `sum X : {...}`, `min`, `max`, `mean`."""

    op: str
    target: Term | None
    body: tuple[Literal, ...]
    span: Span | None = _span_field()

    def __str__(self) -> str:
        target = f" {self.target}" if self.target is not None else ""
        return f"{self.op}{target} : {{ {', '.join(map(str, self.body))} }}"


Term = Union[Var, Wildcard, Const, Call, Aggregate]

# ---- literals ------------------------------------------------------------------------


@attrs.frozen
class Atom:
    relation: str
    args: tuple[Term, ...]
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return f"{self.relation}({', '.join(map(str, self.args))})"


@attrs.frozen
class Negation:
    atom: Atom
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return f"!{self.atom}"


@attrs.frozen
class Comparison:
    op: str  # = != < <= > >=
    left: Term
    right: Term
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@attrs.frozen
class Test:
    """A built-in constraint: `contains(Sub, S)`, `match(Pattern, S)`, possibly negated."""

    op: str
    args: tuple[Term, ...]
    negated: bool = False
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return f"{'!' if self.negated else ''}{self.op}({', '.join(map(str, self.args))})"


@attrs.frozen
class Truth:
    value: bool
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return "true" if self.value else "false"


Literal = Union[Atom, Negation, Comparison, Test, Truth]

# ---- statements ----------------------------------------------------------------------


@attrs.frozen
class Attribute:
    name: str
    type: str
    span: Span | None = _span_field()


@attrs.frozen
class Declaration:
    relation: str
    attributes: tuple[Attribute, ...]
    qualifiers: tuple[str, ...] = ()
    span: Span | None = _span_field()
    # `choice-domain a, (b, c)`: the groups of columns with at most one tuple per value
    choice: tuple[tuple[str, ...], ...] = ()

    @property
    def arity(self) -> int:
        return len(self.attributes)

    def __str__(self) -> str:
        attrs_text = ", ".join(f"{a.name}: {a.type}" for a in self.attributes)
        return f".decl {self.relation}({attrs_text})"


@attrs.frozen
class Branch:
    """One branch `Name {field: type, ...}` of an algebraic data type."""

    name: str
    fields: tuple[Attribute, ...]
    span: Span | None = _span_field()


@attrs.frozen
class TypeDeclaration:
    """`.type T <: base` (kind 'subtype'), `.type T = A | B` (kind 'alias'), a record type
    `.type T = [x: number, ...]` (kind 'record', its `fields`) or an algebraic data type
    `.type T = A {x: number} | B {}` (kind 'adt', its `branches`)."""

    name: str
    kind: str
    bases: tuple[str, ...]
    span: Span | None = _span_field()
    fields: tuple[Attribute, ...] = ()
    branches: tuple[Branch, ...] = ()


@attrs.frozen
class IODirective:
    kind: str  # input, output, printsize
    relation: str
    options: tuple[tuple[str, object], ...] = ()
    span: Span | None = _span_field()

    def option(self, name: str, default: object = None) -> object:
        for key, value in self.options:
            if key == name:
                return value
        return default


@attrs.frozen
class Include:
    path: str
    span: Span | None = _span_field()


@attrs.frozen
class Pragma:
    """`.pragma "key" "value"`: an option for Soufflé's compiler, accepted and not acted on."""

    key: str
    value: str | None
    span: Span | None = _span_field()


@attrs.frozen
class FunctorDeclaration:
    """`.functor f(x: number, y: symbol): number [stateful]`: a functor computed by a Python
    callable given to the engine, applied as `@f(X, Y)`."""

    name: str
    params: tuple[str, ...]  # type names
    result: str
    stateful: bool = False
    span: Span | None = _span_field()


@attrs.frozen
class Clause:
    """A rule `head :- body.` or, with an empty body, a fact. `number` is the clause's
    position among the rules of its program, given when the program is assembled."""

    head: Atom
    body: tuple[Literal, ...]
    span: Span | None = _span_field()
    # Variables used more than once in the clause as written, before its disjunctions were
    # expanded (None when it had none): a variable of one alternative is not a singleton.
    shared_variables: frozenset[str] | None = attrs.field(eq=False, repr=False, default=None)
    # The body as written when the parser rewrote it (record patterns, `reasoner.syntax.records`).
    written: tuple[Literal, ...] | None = attrs.field(eq=False, repr=False, default=None)

    @property
    def is_fact(self) -> bool:
        return not self.body

    @property
    def shown_body(self) -> tuple[Literal, ...]:
        """The body to show people: as written."""
        return self.written if self.written is not None else self.body

    def __str__(self) -> str:
        if not self.body:
            return f"{self.head}."
        return f"{self.head} :- {', '.join(map(str, self.shown_body))}."


@attrs.frozen
class Subsumption:
    """`p(X) <= p(Y) :- body.`: a tuple of `dominated` is removed when a different tuple,
    `dominating`, of the same relation exists and the body holds."""

    dominated: Atom
    dominating: Atom
    body: tuple[Literal, ...]
    span: Span | None = _span_field()

    @property
    def relation(self) -> str:
        return self.dominated.relation

    @property
    def literals(self) -> tuple[Literal, ...]:
        """The two tuples and the body, as one conjunction."""
        return (self.dominated, self.dominating, *self.body)

    def __str__(self) -> str:
        body = f" :- {', '.join(map(str, self.body))}" if self.body else ""
        return f"{self.dominated} <= {self.dominating}{body}."


@attrs.frozen
class ComponentRef:
    """`Graph<number>`: a component and its type arguments."""

    name: str
    arguments: tuple[str, ...] = ()
    span: Span | None = _span_field()


@attrs.frozen
class Component:
    """`.comp Name<T> : Base<T> { ... }`: statements instantiated by `.init` (expanded by
    `reasoner.syntax.components` before the program sees them)."""

    name: str
    parameters: tuple[str, ...]
    bases: tuple[ComponentRef, ...]
    body: tuple[object, ...]  # statements, components, instances and overrides
    span: Span | None = _span_field()


@attrs.frozen
class Instance:
    """`.init name = Component<args>`."""

    name: str
    component: ComponentRef
    span: Span | None = _span_field()


@attrs.frozen
class Override:
    """`.override relation` inside a component: its base's rules for the relation are dropped."""

    relation: str
    span: Span | None = _span_field()


@attrs.frozen
class Query:
    """`?- goal.`; a disjunctive goal is kept as several conjunctive bodies."""

    bodies: tuple[tuple[Literal, ...], ...]
    span: Span | None = _span_field()

    def __str__(self) -> str:
        return "?- " + "; ".join(", ".join(map(str, b)) for b in self.bodies) + "."


Statement = Union[Declaration, TypeDeclaration, IODirective, Include, Pragma, FunctorDeclaration, Clause, Subsumption,
                  Query]


def term_variables(term: Term) -> list[str]:
    """Names of the variables of a term, outside aggregates, in order of appearance."""
    if isinstance(term, Var):
        return [term.name]
    if isinstance(term, Call):
        return [name for arg in term.args for name in term_variables(arg)]
    return []


def literal_variables(literal: Literal) -> list[str]:
    """Variables a literal mentions (outside aggregates), in order of appearance."""
    if isinstance(literal, Atom):
        return [n for arg in literal.args for n in term_variables(arg)]
    if isinstance(literal, Negation):
        return literal_variables(literal.atom)
    if isinstance(literal, Comparison):
        return term_variables(literal.left) + term_variables(literal.right)
    if isinstance(literal, Test):
        return [n for arg in literal.args for n in term_variables(arg)]
    return []


def aggregates_in(term: Term) -> list[Aggregate]:
    if isinstance(term, Aggregate):
        return [term]
    if isinstance(term, Call):
        return [a for arg in term.args for a in aggregates_in(arg)]
    return []


def literal_terms(literal: Literal) -> tuple[Term, ...]:
    if isinstance(literal, Atom):
        return literal.args
    if isinstance(literal, Negation):
        return literal.atom.args
    if isinstance(literal, Comparison):
        return (literal.left, literal.right)
    if isinstance(literal, Test):
        return literal.args
    return ()


def literal_atoms(literal: Literal):
    """The atoms a literal reads: itself, its negated atom, and the atoms of its aggregates."""
    if isinstance(literal, Atom):
        yield literal
    elif isinstance(literal, Negation):
        yield literal.atom
    for term in literal_terms(literal):
        for aggregate in aggregates_in(term):
            for inner in aggregate.body:
                yield from literal_atoms(inner)


def query_variables(query: Query) -> list[str]:
    """The variables a query answers with: those of its positive literals, in order (not
    those the parser made, such as the records that patterns read)."""
    names: list[str] = []
    for body in query.bodies:
        for literal in body:
            if isinstance(literal, Negation):
                continue
            for name in literal_variables(literal):
                if name not in names and not name.startswith("~"):  # `~`: made by the parser
                    names.append(name)
    return names
