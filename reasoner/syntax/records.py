"""Record patterns in rule bodies, rewritten as equations the planner already schedules.

`s([x, [y, _]])` in a body reads a record and binds x and y. It becomes

    s(~r0), ~is(~r0, "", 2) = 1, x = ~field(~r0, "", 0), ~r1 = ~field(~r0, "", 1),
    ~is(~r1, "", 2) = 1, y = ~field(~r1, "", 0)

where `~is(R, branch, n)` tests that R is a record (not `nil`) or the named branch of an
algebraic data type, with n fields, and `~field(R, branch, i)` is its field i
(`reasoner.records`). The `~` variables cannot be written in rule text. An equation
`R = [a, b]` unpacks R when R is grounded by the rest of the body, and makes the record from
a and b otherwise; `[a, b] = [c, d]` is `a = c, b = d`. A record with no variable, and a record
in a head or a negation, is made as it is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from reasoner import ast
from reasoner.analysis.safety import grounded_variables
from reasoner.errors import Diagnostic, error
from reasoner.records import constructs


def is_pattern(term: ast.Term) -> bool:
    """A record (or ADT branch) with a variable or `_` inside: a pattern where it is read."""
    return isinstance(term, ast.Call) and constructs(term.op) and _open(term)


def _open(term: ast.Term) -> bool:
    if isinstance(term, (ast.Var, ast.Wildcard)):
        return True
    if isinstance(term, ast.Call):
        return any(_open(a) for a in term.args)
    return False


def uses_records(literals: tuple[ast.Literal, ...]) -> bool:
    return any(_mentions(t) for literal in literals for t in ast.literal_terms(literal))


def _mentions(term: ast.Term) -> bool:
    if isinstance(term, ast.Call):
        return constructs(term.op) or any(_mentions(a) for a in term.args)
    if isinstance(term, ast.Aggregate):
        return uses_records(term.body) or term.target is not None and _mentions(term.target)
    return False


class _Lowering:
    def __init__(self, fresh: Iterator[str] | None = None, problems: list[Diagnostic] | None = None) -> None:
        # one supply of names per clause, aggregates included: a name made inside an aggregate
        # must not be taken for one of the body around it
        self.fresh = fresh if fresh is not None else (f"~r{i}" for i in itertools.count())
        self.problems: list[Diagnostic] = problems if problems is not None else []

    def body(self, body: tuple[ast.Literal, ...]) -> tuple[ast.Literal, ...]:
        made = _made(body)
        lowered = self.lowered(body, made)
        if made and not _grounds_made(lowered, body, made):
            lowered = self.lowered(body, set())  # (never expected: every pattern read instead)
        return lowered

    def lowered(self, body: tuple[ast.Literal, ...], made: set[tuple[int, int]]) -> tuple[ast.Literal, ...]:
        """`body` with its patterns read, except the atom arguments `made` (made as written)."""
        out: list[ast.Literal] = []
        equations: list[ast.Comparison] = []
        for position, literal in enumerate(body):
            if isinstance(literal, ast.Atom):
                args: list[ast.Term] = []
                unpacking: list[ast.Literal] = []
                for column, arg in enumerate(literal.args):
                    arg = self.aggregates(arg)
                    if is_pattern(arg) and (position, column) not in made:
                        var = ast.Var(next(self.fresh), arg.span)
                        args.append(var)
                        unpacking.extend(self.unpack(var, arg))  # type: ignore[arg-type]
                    else:
                        args.append(arg)
                out.append(ast.Atom(literal.relation, tuple(args), literal.span))
                out.extend(unpacking)
            elif isinstance(literal, ast.Negation):
                for arg in literal.atom.args:
                    if is_pattern(arg) and _wildcards(arg):
                        self.problems.append(error(
                            "`_` inside a record in a negated atom is not supported", arg.span,
                            "name the field with a variable grounded elsewhere, or negate a helper relation"))
                out.append(literal)
            elif isinstance(literal, ast.Comparison):
                comparison = ast.Comparison(literal.op, self.aggregates(literal.left),
                                            self.aggregates(literal.right), literal.span)
                if comparison.op == "=" and (is_pattern(comparison.left) or is_pattern(comparison.right)):
                    equations.append(comparison)
                else:
                    out.append(comparison)
            else:
                out.append(literal)
        return tuple(out) + tuple(self.equations(out, equations))

    def aggregates(self, term: ast.Term) -> ast.Term:
        if isinstance(term, ast.Aggregate) and uses_records(term.body):
            return ast.Aggregate(term.op, term.target, _Lowering(self.fresh, self.problems).body(term.body), term.span)
        if isinstance(term, ast.Call) and any(isinstance(a, (ast.Aggregate, ast.Call)) for a in term.args):
            return ast.Call(term.op, tuple(self.aggregates(a) for a in term.args), term.span, term.function)
        return term

    def equations(self, done: list[ast.Literal], pending: list[ast.Comparison]) -> Iterator[ast.Literal]:
        """Each `T = record` equation as an unpacking of T when the body grounds T without
        it, else as making the record (once the variables of its fields are grounded)."""
        made: list[ast.Literal] = []
        while pending:
            bound = grounded_variables(tuple(done) + tuple(made))
            progressed = False
            for equation in list(pending):
                left, right = equation.left, equation.right
                if isinstance(left, ast.Call) and isinstance(right, ast.Call) and is_pattern(left) \
                        and is_pattern(right) and _same_shape(left, right):
                    pending.remove(equation)
                    pending.extend(ast.Comparison("=", a, b, equation.span) for a, b in zip(left.args, right.args))
                    progressed = True
                    continue
                pattern, other = (left, right) if is_pattern(left) else (right, left)
                if _grounded(other, bound):
                    pending.remove(equation)
                    if isinstance(other, ast.Var):
                        target = other
                    else:
                        target = ast.Var(next(self.fresh), other.span)
                        made.append(ast.Comparison("=", target, other, equation.span))
                    made.extend(self.unpack(target, pattern))  # type: ignore[arg-type]
                    progressed = True
                elif _grounded(pattern, bound) and not _wildcards(pattern):
                    pending.remove(equation)
                    made.append(equation)
                    progressed = True
            if not progressed:
                made.extend(pending)  # the safety check reports what is not grounded
                break
        return iter(made)

    def unpack(self, record: ast.Var, pattern: ast.Call) -> list[ast.Literal]:
        """The literals that read `pattern` out of the record variable `record`."""
        span = pattern.span
        if not _open(pattern):
            return [ast.Comparison("=", record, pattern, span)]
        branch = ast.Const(pattern.op[1:] if pattern.op.startswith("$") else "", "symbol", span)
        literals: list[ast.Literal] = [ast.Comparison(
            "=", ast.Call("~is", (record, branch, ast.Const(len(pattern.args), "number", span)), span),
            ast.Const(1, "number", span), span)]
        for index, field in enumerate(pattern.args):
            value = ast.Call("~field", (record, branch, ast.Const(index, "number", span)), field.span)
            if isinstance(field, ast.Wildcard):
                continue
            if isinstance(field, ast.Var):
                literals.append(ast.Comparison("=", field, value, field.span))
            elif is_pattern(field):
                inner = ast.Var(next(self.fresh), field.span)
                literals.append(ast.Comparison("=", inner, value, field.span))
                literals.extend(self.unpack(inner, field))  # type: ignore[arg-type]
            else:
                literals.append(ast.Comparison("=", value, field, field.span))
        return literals


def _made(body: tuple[ast.Literal, ...]) -> set[tuple[int, int]]:
    """The record arguments of atoms (position, column) whose variables the rest of the body
    grounds: made as written, they let the atom be probed by an index instead of scanned and
    unpacked. Decided in order, a record made no longer grounds the later ones' variables."""
    made: set[tuple[int, int]] = set()
    atoms = [(p, lit) for p, lit in enumerate(body) if isinstance(lit, ast.Atom)]
    for position, atom in atoms:
        for column, arg in enumerate(atom.args):
            if not is_pattern(arg) or _wildcards(arg):
                continue
            others = tuple(lit for p, lit in enumerate(body) if p != position)
            outer = {name for p, other in atoms if p != position
                     for c, a in enumerate(other.args) if (p, c) not in made for name in _read(a)}
            outer |= {name for c, a in enumerate(atom.args) if c != column and (position, c) not in made
                      for name in _read(a)}
            if set(ast.term_variables(arg)) <= grounded_variables(others, outer):
                made.add((position, column))
    return made


def _read(term: ast.Term) -> set[str]:
    """The variables an atom argument grounds: a variable, and those of a record pattern."""
    if isinstance(term, ast.Var):
        return {term.name}
    if isinstance(term, ast.Call) and constructs(term.op):
        return {name for arg in term.args for name in _read(arg)}
    return set()


def _grounds_made(lowered: tuple[ast.Literal, ...], body: tuple[ast.Literal, ...], made: set[tuple[int, int]]) -> bool:
    """Whether the lowered body grounds the variables of every record it makes."""
    bound = grounded_variables(lowered)
    return all(set(ast.term_variables(body[p].args[c])) <= bound  # type: ignore[union-attr]
               for p, c in made)


def _same_shape(left: ast.Call, right: ast.Call) -> bool:
    return left.op == right.op and len(left.args) == len(right.args)


def _wildcards(term: ast.Term) -> bool:
    if isinstance(term, ast.Wildcard):
        return True
    return isinstance(term, ast.Call) and any(_wildcards(a) for a in term.args)


def _grounded(term: ast.Term, bound: set[str]) -> bool:
    return not _wildcards(term) and all(name in bound for name in ast.term_variables(term))


def lower_body(body: tuple[ast.Literal, ...], problems: list[Diagnostic]) -> tuple[ast.Literal, ...]:
    """`body` with its record patterns rewritten (unchanged if it has none); problems found on
    the way are added to `problems`."""
    if not uses_records(body):
        return body
    lowering = _Lowering()
    lowered = lowering.body(body)
    problems.extend(lowering.problems)
    return lowered


def unpack_head(head: ast.Atom) -> tuple[ast.Atom, tuple[ast.Literal, ...]]:
    """`head` with each record pattern argument replaced by a variable `~hN`, and the literals
    that read the pattern's fields out of it: to match a given tuple against a rule's head
    (why a fact does not hold)."""
    lowering = _Lowering(f"~h{i}" for i in itertools.count())
    args: list[ast.Term] = []
    literals: list[ast.Literal] = []
    for arg in head.args:
        if is_pattern(arg) and not _wildcards(arg):
            var = ast.Var(next(lowering.fresh), arg.span)
            args.append(var)
            literals.extend(lowering.unpack(var, arg))  # type: ignore[arg-type]
        else:
            args.append(arg)
    return ast.Atom(head.relation, tuple(args), head.span), tuple(literals)
