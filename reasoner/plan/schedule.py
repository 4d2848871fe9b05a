"""Join order: a conjunctive body as a list of steps (`reasoner.plan.ir`).

The delta atom comes first; then, repeatedly, the atom with the most bound columns, with
comparisons, negations and assignments placed as soon as their variables are bound.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from reasoner import ast
from reasoner.plan.ir import Assign, DeltaScan, Filter, Generate, Negation, Scan, Step

Cost = Callable[[str, tuple[int, ...]], float]

RANGE_OPS = frozenset({"<", "<=", ">", ">=", "="})


def schedule(body: tuple[ast.Literal, ...], bound: set[str], delta_position: int | None,
             cost: Cost | None = None, prefer_ranges: bool = True) -> list[Step]:
    """Order a conjunctive body. `bound` holds the variables bound on entry (not modified).

    Returns `DeltaScan`, `Scan`, `Assign`, `Filter` and `Negation` steps; the passes then turn
    some scans into range scans or index probes.

    The next atom is the one with the most bound columns; among those, one that a pending
    comparison bounds (`D2 <= D1 + 30`, with `D1` known and `D2` the atom's), then the first
    (`prefer_ranges=False` leaves out that preference: sorted indexes are switched off).

    An atom may be scanned before the variables of an expression argument are bound (the
    delta atom always comes first, e.g. `fib(I - 1, A)`): that argument is then read into a
    temporary variable, and `temporary = expression` is checked once it can be computed.

    With `cost(relation, bound_columns)` (the rows one probe would examine), the next atom is
    instead the cheapest to read: used for plans that may not build indexes."""
    from reasoner.analysis.safety import injected_variables

    literals: list[ast.Literal] = list(body)
    known = set(bound)
    # Pending literals: atoms, and the others (comparisons, negations...), by position.
    atoms = [p for p, lit in enumerate(body) if isinstance(lit, ast.Atom)]
    others = [p for p, lit in enumerate(body) if not isinstance(lit, ast.Atom)]
    steps: list[Step] = []
    temporaries = itertools.count()

    def computable(term: ast.Term) -> bool:
        if isinstance(term, ast.Var):
            return term.name in known
        if isinstance(term, ast.Wildcard):
            return False
        if isinstance(term, ast.Call):
            return all(computable(a) for a in term.args)
        if isinstance(term, ast.Aggregate):
            return all(v in known for v in injected_variables(term, body, None))
        return True

    # The score of each pending atom, kept until a variable it uses becomes known (so that
    # choosing the next atom of a long body does not look at every argument of every atom);
    # an atom with an aggregate argument is scored afresh every time.
    scores: dict[int, tuple[object, ...]] = {}
    atoms_left = set(atoms)
    stale = set(atoms)
    volatile = {p for p in atoms if any(isinstance(a, ast.Aggregate) for a in _atom(body[p]).args)}
    users: dict[str, list[int]] = {}  # variable -> the atoms that use it
    for position in atoms:
        for arg in _atom(body[position]).args:
            for name in ast.term_variables(arg):
                users.setdefault(name, []).append(position)

    def learn(names: Iterable[str]) -> None:
        for name in names:
            if name not in known:
                known.add(name)
                stale.update(users.get(name, ()))

    def place(position: int, delta: bool) -> None:
        atom = _atom(literals[position])
        args: list[ast.Term] = []
        for arg in atom.args:
            if isinstance(arg, (ast.Var, ast.Wildcard)) or computable(arg):
                args.append(arg)
            else:
                temporary = ast.Var(f"~{next(temporaries)}", arg.span)  # `~`: no user name
                args.append(temporary)
                literals.append(ast.Comparison("=", temporary, arg, arg.span))
                others.append(len(literals) - 1)
        atom = ast.Atom(atom.relation, tuple(args), atom.span)
        steps.append(DeltaScan(atom) if delta else Scan(atom))
        learn([a.name for a in atom.args if isinstance(a, ast.Var)])
        atoms.remove(position)
        atoms_left.discard(position)
        scores.pop(position, None)
        volatile.discard(position)

    if delta_position is not None:
        place(delta_position, delta=True)

    def score(position: int) -> tuple[object, ...]:
        """(usable, rows examined or bound columns, -position): the larger, the sooner."""
        atom = _atom(literals[position])
        usable = all(
            isinstance(a, (ast.Var, ast.Wildcard)) or computable(a) for a in atom.args
        )
        columns = tuple(
            i for i, a in enumerate(atom.args)
            if not isinstance(a, ast.Wildcard) and (not isinstance(a, ast.Var) or a.name in known)
        )
        if cost is not None:
            return (usable, -cost(atom.relation, columns), len(columns), -position)
        return (usable, len(columns), -position)

    while atoms or others:
        placed = True
        while placed:
            placed = False
            for position in list(others):
                step = _ready(literals[position], known, computable)
                if step is not None:
                    steps.append(step)
                    if isinstance(step, (Assign, Generate)):
                        learn([step.var.name])
                    others.remove(position)
                    placed = True
        if not atoms:
            if others:
                raise AssertionError(f"cannot schedule {[str(literals[p]) for p in others]}")
            break
        for position in stale | volatile:
            if position in scores or position in atoms_left:
                scores[position] = score(position)
        stale.clear()
        best = max(atoms, key=scores.__getitem__)
        ranged = _range_bounded(literals, others, known, computable) if cost is None and prefer_ranges else set()
        if ranged:
            # Among the atoms as good as the best, the first that a pending comparison bounds
            # (`D2 <= D1 + 30`, with `D1` known and `D2` the atom's): its scan becomes a range.
            top = scores[best][:2]
            best = next((p for p in sorted(atoms) if scores[p][:2] == top and any(
                isinstance(a, ast.Var) and a.name in ranged for a in _atom(literals[p]).args)), best)
        place(best, delta=False)
    return steps


def _atom(literal: ast.Literal) -> ast.Atom:
    assert isinstance(literal, ast.Atom)
    return literal


def _ready(literal: ast.Literal, known: set[str], computable: Callable[[ast.Term], bool]) -> Step | None:
    """The step for a pending literal that is not an atom, if its variables are known: an
    assignment for `X = term` with only X unknown, else a filter or a negation."""
    if isinstance(literal, ast.Comparison) and literal.op == "=":
        left, right = literal.left, literal.right
        for var, term in ((left, right), (right, left)):
            if isinstance(var, ast.Var) and isinstance(term, ast.Call) and generates(term):
                if not computable(term):
                    return None
                return Generate(var, term, known=var.name in known)
        if isinstance(left, ast.Var) and left.name not in known and computable(right):
            return Assign(left, right)
        if isinstance(right, ast.Var) and right.name not in known and computable(left):
            return Assign(right, left)
    terms = ast.literal_terms(literal)
    ready = all(
        isinstance(t, ast.Wildcard) and isinstance(literal, ast.Negation) or computable(t)
        for t in terms
    )
    if not ready:
        return None
    if isinstance(literal, ast.Negation):
        return Negation(literal)
    assert not isinstance(literal, ast.Atom)
    return Filter(literal)


def generates(term: ast.Term) -> bool:
    """Whether `term` is an application of a generating functor (`range`)."""
    from reasoner.functors import FUNCTORS

    return isinstance(term, ast.Call) and term.op in FUNCTORS and FUNCTORS[term.op].generator


def _range_bounded(literals: list[ast.Literal], others: list[int], known: set[str],
                   computable: Callable[[ast.Term], bool]) -> set[str]:
    """The unknown variables that a pending comparison bounds by a term of known variables."""
    names = set()
    for p in others:
        literal = literals[p]
        if isinstance(literal, ast.Comparison) and literal.op in RANGE_OPS:
            for side, other in ((literal.left, literal.right), (literal.right, literal.left)):
                if (isinstance(side, ast.Var) and side.name not in known and computable(other)
                        and ast.term_variables(other) and not ast.aggregates_in(other)
                        and not generates(other)):
                    names.add(side.name)
    return names
