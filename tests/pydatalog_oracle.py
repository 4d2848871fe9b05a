"""pyDatalog as an oracle: a tiny program description, rendered for both engines.

A `Program` is a small AST of our own (relations, facts, rules whose bodies hold atoms,
negations, comparisons and aggregates over integers). `to_souffle(program)` renders it in our
rule language; `evaluate_pydatalog(program)` runs it through pyDatalog 0.22.4 and returns every
relation's contents as a set of tuples. The differential test and the benchmarks both use it.

pyDatalog keeps its rules and facts in module globals, so `evaluate_pydatalog` clears them
before and after each program and must not run concurrently with another call.

How each construct is translated, and why the two sides agree:

- A wildcard `_` in pyDatalog is one shared variable (`r(X, _) & r(_, X)` joins the two
  wildcards), so every wildcard becomes a fresh variable.
- A negated atom `!q(X, _)` becomes `~q(X, W1)`: pyDatalog's negation of a literal with free
  variables means "no tuple matches", as Soufflé's.
- A relation with no facts and no rules is undefined in pyDatalog (asking for it raises), so it
  is defined by asserting and retracting one fact.
- Aggregates `N = f V : { body }` become a pyDatalog function `(aggK[keys] == f_(...)) <= body`,
  where `keys` are the body's variables bound outside the aggregate, used as `(aggK[keys] == N)`.
  pyDatalog aggregates over the distinct rows of (keys, aggregated variables), so:
    * count: `sum_(One, for_each=locals)` with `One == 1`, where `locals` are the body's own
      variables and a fresh variable per wildcard: one per matching combination of tuples,
      as Soufflé's count (which names its wildcards when it materialises a body);
    * sum: `sum_(V, for_each=locals)`: one term per combination. Soufflé agrees on a body of
      one atom without a repeated variable; on other bodies Soufflé materialises the body over
      its named variables only, dropping wildcards (see the differential test's generator,
      which keeps wildcards out of such bodies);
    * min / max: `min_(V, order_by=V)` / `max_(V, order_by=V)`;
    * pyDatalog has no row for an empty group, while Soufflé's count and sum give 0: a second
      rule `... & ~aggK_any(keys) & (N == 0)` supplies it (min and max give no row in both).
  A group without keys uses a constant key `0`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import attrs


# ---- the program description ---------------------------------------------------------------
@attrs.frozen
class Var:
    name: str

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class Const:
    value: int

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen
class Wildcard:
    def __str__(self) -> str:
        return "_"


Term = Var | Const | Wildcard


@attrs.frozen
class Atom:
    relation: str
    args: tuple[Term, ...]

    def __str__(self) -> str:
        return f"{self.relation}({', '.join(map(str, self.args))})"


@attrs.frozen
class Negation:
    atom: Atom

    def __str__(self) -> str:
        return f"!{self.atom}"


COMPARISONS = ("<", "<=", ">", ">=", "!=", "=")


@attrs.frozen
class Comparison:
    op: str  # one of COMPARISONS; `=` with an unbound variable on the left binds it
    left: Var | Const
    right: Var | Const

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!=", "==": "=="}

AGGREGATES = ("count", "sum", "min", "max")


@attrs.frozen
class Aggregate:
    """`result = function value : { body }`; `value` is None for count."""

    result: Var
    function: str
    value: Var | None
    body: tuple[Atom, ...]

    def __str__(self) -> str:
        target = f" {self.value}" if self.value is not None else ""
        return f"{self.result} = {self.function}{target} : {{ {', '.join(map(str, self.body))} }}"


Literal = Atom | Negation | Comparison | Aggregate


@attrs.frozen
class Rule:
    head: Atom
    body: tuple[Literal, ...]

    def __str__(self) -> str:
        return f"{self.head} :- {', '.join(map(str, self.body))}."


@attrs.frozen
class Program:
    relations: tuple[tuple[str, int], ...]  # (name, arity), every column a number
    facts: tuple[tuple[str, tuple[int, ...]], ...]
    rules: tuple[Rule, ...]

    @property
    def arities(self) -> dict[str, int]:
        return dict(self.relations)

    def __str__(self) -> str:
        return to_souffle(self)


def program(relations: Mapping[str, int], facts: Mapping[str, Iterable[tuple[int, ...]]],
            rules: Iterable[Rule]) -> Program:
    """Build a `Program` from plain mappings (facts sorted, so equal inputs give equal programs)."""
    return Program(
        tuple(relations.items()),
        tuple((name, tuple(row)) for name in relations for row in sorted(set(facts.get(name, ())))),
        tuple(rules),
    )


# ---- our rule language ----------------------------------------------------------------------
def to_souffle(program: Program) -> str:
    """The program in our (Soufflé's) rule language."""
    lines = []
    for name, arity in program.relations:
        columns = ", ".join(f"c{i}: number" for i in range(arity))
        lines.append(f".decl {name}({columns})")
    lines += [f"{name}({', '.join(map(str, row))})." for name, row in program.facts]
    lines += [str(rule) for rule in program.rules]
    return "\n".join(lines) + "\n"


def atom_variables(atom: Atom) -> list[str]:
    return [a.name for a in atom.args if isinstance(a, Var)]


def literal_variables(literal: Literal) -> list[str]:
    if isinstance(literal, Atom):
        return atom_variables(literal)
    if isinstance(literal, Negation):
        return atom_variables(literal.atom)
    if isinstance(literal, Comparison):
        return [t.name for t in (literal.left, literal.right) if isinstance(t, Var)]
    names = [literal.result.name]
    for atom in literal.body:
        names += atom_variables(atom)
    return names


# ---- pyDatalog ----------------------------------------------------------------------------
class _Translator:
    """Renders a `Program` as pyDatalog `load()` text, naming helper predicates as it goes."""

    def __init__(self, program: Program):
        self.program = program
        self.lines: list[str] = []
        self._fresh = itertools.count(1)

    def fresh(self, stem: str) -> str:
        return f"{stem}{next(self._fresh)}"

    def term(self, term: Term) -> str:
        if isinstance(term, Wildcard):
            return self.fresh("W_")
        return str(term)

    def atom(self, atom: Atom, wildcards: list[str] | None = None) -> str:
        args = []
        for arg in atom.args:
            text = self.term(arg)
            if isinstance(arg, Wildcard) and wildcards is not None:
                wildcards.append(text)
            args.append(text)
        return f"{atom.relation}({', '.join(args)})"

    def translate(self) -> str:
        for name, row in self.program.facts:
            self.lines.append(f"+ {name}({', '.join(map(str, row))})")
        for rule in self.program.rules:
            self.rule(rule)
        return "\n".join(self.lines) + "\n"

    def rule(self, rule: Rule) -> None:
        outside = {n for lit in rule.body if not isinstance(lit, Aggregate) for n in literal_variables(lit)}
        outside |= set(atom_variables(rule.head))
        positives = [self.atom(lit) for lit in rule.body if isinstance(lit, Atom)]
        aggregates = [lit for lit in rule.body if isinstance(lit, Aggregate)]
        # `V = X` with `V` bound nowhere else is a binding; pyDatalog can loop forever on a
        # recursive rule that binds a head variable with `==` (see the differential test's
        # docstring), so V is replaced by X throughout the rule instead.
        bound = {n for lit in rule.body if isinstance(lit, Atom) for n in atom_variables(lit)}
        bound |= {agg.result.name for agg in aggregates}
        bindings: dict[str, Var | Const] = {}
        comparisons = []
        for lit in rule.body:
            if not isinstance(lit, Comparison):
                continue
            if lit.op == "=":
                for var, other in ((lit.left, lit.right), (lit.right, lit.left)):
                    if isinstance(var, Var) and var.name not in bound and var.name not in bindings:
                        bindings[var.name] = other
                        break
                else:
                    comparisons.append(lit)
            else:
                comparisons.append(lit)
        negations = [lit for lit in rule.body if isinstance(lit, Negation)]
        # Each aggregate has a pyDatalog value literal, and for count and sum a second
        # alternative for the empty group; a rule with several aggregates takes every choice.
        choices = [self.aggregate(agg, outside, bindings) for agg in aggregates]
        for chosen in itertools.product(*choices):
            substitution = dict(bindings)
            for _, extra in chosen:
                substitution.update(extra)
            body = positives + [text for text, _ in chosen]
            for comparison in comparisons:
                text = self.comparison(_substitute(comparison, substitution))
                if text is False:
                    break  # a comparison of two constants that fails: no rule
                if text is not True:
                    body.append(text)
            else:
                body += [f"~{self.atom(_substitute(lit.atom, substitution))}" for lit in negations]
                head = self.atom(_substitute(rule.head, substitution))
                self.lines.append(f"{head} <= {' & '.join(body)}")

    def comparison(self, comparison: Comparison) -> str | bool:
        op = "==" if comparison.op == "=" else comparison.op
        left, right = comparison.left, comparison.right
        if isinstance(left, Const) and isinstance(right, Const):
            return _COMPARE[op](left.value, right.value)
        if isinstance(left, Const):  # pyDatalog wants the variable first
            left, right, op = right, left, _MIRRORED[op]
        return f"({left} {op} {right})"

    def aggregate(self, agg: Aggregate, outside: set[str],
                  bindings: dict[str, Var | Const]) -> list[tuple[str, dict[str, Const]]]:
        """The aggregate's alternatives: (pyDatalog literal, substitution it implies)."""
        name = self.fresh("agg_")
        wildcards: list[str] = []
        body = [self.atom(atom, wildcards) for atom in agg.body]
        seen: list[str] = []
        for atom in agg.body:
            seen += [n for n in atom_variables(atom) if n not in seen]
        keys = [n for n in seen if n in outside]
        local = [n for n in seen if n not in outside] + wildcards
        if not keys:
            key = self.fresh("K_")
            body.append(f"({key} == 0)")
            keys, uses = [key], ["0"]
        else:
            uses = [str(_substitute(Var(k), bindings)) for k in keys]
        if agg.function in ("count", "sum"):
            if agg.function == "count":
                value = self.fresh("One_")
                body.append(f"({value} == 1)")
            else:
                value = agg.value.name
            each = ", ".join(local or [value]) + ","
            function = f"sum_({value}, for_each=({each}))"
        else:
            function = f"{agg.function}_({agg.value.name}, order_by={agg.value.name})"
        self.lines.append(f"(({name}[{', '.join(keys)}]) == {function}) <= {' & '.join(body)}")
        # The value is read through a relation: pyDatalog can loop forever on a recursive rule
        # that binds a head variable with `==` (see `_Translator.rule`).
        self.lines.append(f"{name}_value({', '.join(keys)}, N_) <= ({name}[{', '.join(keys)}] == N_)")
        value_literal = f"{name}_value({', '.join(uses)}, {agg.result.name})"
        if agg.function in ("min", "max"):
            return [(value_literal, {})]
        # Soufflé's count and sum are 0 on an empty group; pyDatalog has no row for it.
        any_name = f"{name}_any"
        any_body = [self.atom(atom) for atom in agg.body]
        if uses == ["0"]:
            any_body.append(f"({keys[0]} == 0)")
        self.lines.append(f"{any_name}({', '.join(keys)}) <= {' & '.join(any_body)}")
        return [(value_literal, {}), (f"~{any_name}({', '.join(uses)})", {agg.result.name: Const(0)})]


_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "!=": lambda a, b: a != b, "==": lambda a, b: a == b,
}


def _substitute(node, substitution: Mapping[str, Var | Const]):
    """`node` (a term, atom or comparison) with variables replaced, following chains."""
    if isinstance(node, Var):
        seen = set()
        while isinstance(node, Var) and node.name in substitution and node.name not in seen:
            seen.add(node.name)
            node = substitution[node.name]
        return node
    if isinstance(node, Atom):
        return Atom(node.relation, tuple(_substitute(a, substitution) for a in node.args))
    if isinstance(node, Comparison):
        return Comparison(node.op, _substitute(node.left, substitution), _substitute(node.right, substitution))
    return node


def to_pydatalog(program: Program) -> str:
    """The program as pyDatalog `load()` text (facts as `+ r(1, 2)` lines, then rules)."""
    return _Translator(program).translate()


def evaluate_pydatalog(program: Program, relations: Iterable[str] | None = None) -> dict[str, set[tuple]]:
    """Run `program` through pyDatalog; the contents of `relations` (default: all of them)."""
    from pyDatalog import pyDatalog

    text = to_pydatalog(program)
    arities = program.arities
    wanted = list(arities) if relations is None else list(relations)
    pyDatalog.clear()
    try:
        for name, arity in arities.items():  # make every relation exist, even if empty
            pyDatalog.assert_fact(name, *([0] * arity))
            pyDatalog.retract_fact(name, *([0] * arity))
        pyDatalog.load(text)
        result = {}
        for name in wanted:
            variables = ", ".join(f"X{i}" for i in range(arities[name]))
            answer = pyDatalog.ask(f"{name}({variables})")
            result[name] = set(answer.answers) if answer else set()
        return result
    finally:
        pyDatalog.clear()


# ---- pyDatalog with a time limit --------------------------------------------------------------
class PyDatalogTimeout(Exception):
    """pyDatalog did not finish within the time limit (its resolution loops forever on some
    recursive programs, see the differential test)."""


def _serve(connection) -> None:
    while True:
        program = connection.recv()
        try:
            connection.send(("ok", evaluate_pydatalog(program)))
        except Exception as exc:  # noqa: BLE001  (handed back to the caller)
            connection.send(("error", repr(exc)))


class PyDatalogWorker:
    """pyDatalog in a child process, so that a program it never finishes can be abandoned:
    the child is killed on a timeout and a fresh one started for the next program."""

    def __init__(self) -> None:
        self._process = None
        self._connection = None

    def _start(self) -> None:
        import multiprocessing

        # a fresh interpreter, not a fork: forked after DuckDB's threads ran in this process
        # (tests/sql before this file in one pytest run), the child died at its first program
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()

    def evaluate(self, program: Program, timeout: float) -> dict[str, set[tuple]]:
        if self._process is None:
            self._start()
        self._connection.send(program)
        if not self._connection.poll(timeout):
            self.close()
            raise PyDatalogTimeout(f"pyDatalog did not finish within {timeout} s")
        status, value = self._connection.recv()
        if status == "error":
            raise RuntimeError(f"pyDatalog failed: {value}")
        return value

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._process = self._connection = None
