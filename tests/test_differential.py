"""Differential test: random stratified programs, evaluated by our engine and by pyDatalog.

Each seed gives one program (`generate_program`) over small integer domains: a few input
relations with random facts, and derived relations in strata where rules may use recursion
(linear, non-linear and mutual, within a stratum), negation and aggregates of lower strata,
comparisons (`< <= > >= != =`, between variables and with constants), constants in atoms,
repeated variables (`r(X, X)`) and wildcards. Both engines must derive the same tuples for every
relation. A failure is shrunk (`minimise`) to fewer rules and facts before it is reported.

pyDatalog 0.22.4 never terminates on some recursive programs (its tabled resolution loops),
for instance

    + e(1, 1)
    p(5, 1) <= e(1, 1)
    p(C, A) <= p(A, B) & p(C, A)

or this mutual recursion (the answer is p = {0, 5}, q = {0, 5}):

    + e(1, 1)
    + v(0)
    + u(5, 5)
    p(5) <= e(1, 1)
    p(F) <= p(A) & q(A) & v(F)
    q(B) <= q(W) & u(W, B)
    q(A) <= p(A)

Signals do not interrupt it, so pyDatalog runs in a child process (`PyDatalogWorker`) with a
time limit; a program it does not finish is skipped, about 5% of the seeds. The generator also
avoids rules whose body repeats the head atom, the commonest such case.

Kept out of the generated programs, because the engines differ by design there:
- sum over a body with a wildcard, unless the body is a single atom with no repeated variable:
  Soufflé then materialises the body over its named variables only (so the tuples that differ
  only under the wildcard are summed once); our engine sums per combination of tuples, e.g.
  `sum Y : { r3(X, Y, _), r(Y, _) }` (count is not affected: Soufflé names its wildcards);
- mean (pyDatalog's `mean_` is a float over distinct values), and aggregates inside recursion
  (not stratified);
- functors (`X + 1`): pyDatalog's arithmetic is not Soufflé's (division, overflow).
"""

from __future__ import annotations

import itertools
import random

import pytest

pytest.importorskip("pyDatalog")

from pydatalog_oracle import (  # noqa: E402  (after the skip check)
    Aggregate,
    Atom,
    Comparison,
    Const,
    Negation,
    Program,
    Rule,
    Var,
    Wildcard,
    PyDatalogTimeout,
    PyDatalogWorker,
    atom_variables,
    evaluate_pydatalog,
    program,
    to_souffle,
)

from reasoner import Engine  # noqa: E402
from reasoner.errors import ReasonerError  # noqa: E402

PROGRAMS = 240  # about 5% of them pyDatalog never finishes (skipped): over 220 compared
PYDATALOG_TIMEOUT = 2.0  # seconds; the others take well under 0.2 s
DOMAIN = range(6)  # every constant and fact value
VARIABLES = "ABCDEFGH"


# ---- the generator ------------------------------------------------------------------------
class _RuleBuilder:
    """One rule's body, built left to right, tracking which variables are bound."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.body: list = []
        self.bound: list[str] = []  # bound by a positive atom, an `=` or an aggregate
        self.names = iter(VARIABLES)

    def new_variable(self) -> str:
        return next(self.names)

    def argument(self, taken: list[str], wildcards: bool = True):
        """An argument of a positive atom: a bound variable (a join, or `r(X, X)`), a new
        variable, a constant or a wildcard."""
        roll = self.rng.random()
        known = self.bound + taken
        if known and roll < 0.4:
            return Var(self.rng.choice(known))
        if roll < 0.75:
            try:
                name = self.new_variable()
            except StopIteration:
                return Const(self.rng.choice(DOMAIN))
            taken.append(name)
            return Var(name)
        if roll < 0.87 or not wildcards:
            return Const(self.rng.choice(DOMAIN))
        return Wildcard()

    def positive(self, relation: str, arity: int) -> None:
        taken: list[str] = []
        args = tuple(self.argument(taken) for _ in range(arity))
        self.body.append(Atom(relation, args))
        self.bound += [n for n in taken if n not in self.bound]

    def operand(self):
        if self.rng.random() < 0.3 or not self.bound:
            return Const(self.rng.choice(DOMAIN))
        return Var(self.rng.choice(self.bound))

    def comparison(self) -> None:
        op = self.rng.choice(("<", "<=", ">", ">=", "!=", "="))
        left = Var(self.rng.choice(self.bound))
        right = self.operand()
        if self.rng.random() < 0.25:
            left, right = right, left
        self.body.append(Comparison(op, left, right))

    def binding(self) -> None:
        """`V = X` or `V = 3` with `V` new: the equality binds it."""
        try:
            name = self.new_variable()
        except StopIteration:
            return
        self.body.append(Comparison("=", Var(name), self.operand()))
        self.bound.append(name)

    def negation(self, relation: str, arity: int) -> None:
        args = []
        for _ in range(arity):
            roll = self.rng.random()
            if roll < 0.6:
                args.append(Var(self.rng.choice(self.bound)))
            elif roll < 0.8:
                args.append(Const(self.rng.choice(DOMAIN)))
            else:
                args.append(Wildcard())
        self.body.append(Negation(Atom(relation, tuple(args))))

    def aggregate(self, lower: list[tuple[str, int]]) -> None:
        """`N = f V : { body }` over lower-strata relations: body variables are either bound
        outside (the group) or local to the aggregate."""
        rng = self.rng
        function = rng.choice(("count", "sum", "min", "max"))
        atoms = []
        local: list[str] = []
        for _ in range(1 if rng.random() < 0.6 else 2):
            relation, arity = rng.choice(lower)
            args = []
            for _ in range(arity):
                roll = rng.random()
                if roll < 0.25 and self.bound:
                    args.append(Var(rng.choice(self.bound)))  # a group key
                elif roll < 0.45 and local:
                    args.append(Var(rng.choice(local)))  # a join inside the body
                elif roll < 0.8:
                    try:
                        name = self.new_variable()
                    except StopIteration:
                        return
                    local.append(name)
                    args.append(Var(name))
                elif roll < 0.9:
                    args.append(Const(rng.choice(DOMAIN)))
                else:
                    args.append(Wildcard())
            atoms.append(Atom(relation, tuple(args)))
        value = None
        if function != "count":
            if not local:
                return
            value = Var(rng.choice(local))
            variables = [n for atom in atoms for n in atom_variables(atom)]
            simple = len(atoms) == 1 and len(variables) == len(set(variables))
            if function == "sum" and not simple:  # see the module docstring
                atoms = [Atom(a.relation, tuple(Const(rng.choice(DOMAIN)) if isinstance(t, Wildcard) else t
                                                for t in a.args)) for a in atoms]
        try:
            result = self.new_variable()
        except StopIteration:
            return
        self.body.append(Aggregate(Var(result), function, value, tuple(atoms)))
        self.bound.append(result)


def generate_program(seed: int) -> Program:
    """A random stratified program with its facts; the same seed gives the same program."""
    rng = random.Random(seed)
    inputs = {f"e{i}": rng.choice((1, 2, 2, 2, 3)) for i in range(rng.randint(1, 3))}
    if 2 not in inputs.values():
        inputs["e0"] = 2  # a graph, so that recursion has something to walk
    facts = {}
    for name, arity in inputs.items():
        rows = list(itertools.product(DOMAIN, repeat=arity))
        count = rng.randint(0, min(len(rows), 14 if arity > 1 else 4))
        facts[name] = rng.sample(rows, count)

    strata: list[dict[str, int]] = []
    for level in range(rng.randint(1, 4)):
        width = 2 if rng.random() < 0.35 else 1  # two relations: mutual recursion
        strata.append({f"p{level}_{i}": rng.choice((1, 2, 2, 3)) for i in range(width)})

    rules: list[Rule] = []
    lower = list(inputs.items())  # relations of the strata below
    for stratum in strata:
        same = list(stratum.items())
        for head, arity in same:
            for number in range(rng.randint(1, 3)):
                recursive = number > 0 and rng.random() < 0.7
                rule = _generate_rule(rng, head, arity, lower, same if recursive else [])
                if rule is not None:
                    rules.append(rule)
        lower += same
    relations = dict(inputs)
    for stratum in strata:
        relations.update(stratum)
    return program(relations, facts, rules)


def _generate_rule(rng: random.Random, head: str, arity: int, lower: list[tuple[str, int]],
                   same: list[tuple[str, int]]) -> Rule | None:
    """A rule for `head`; `same` are the relations of its own stratum (recursion), `lower` the
    ones below (which may also be negated or aggregated)."""
    for _attempt in range(20):
        builder = _RuleBuilder(rng)
        atoms = rng.choice((1, 1, 2, 2, 3))
        for index in range(atoms):
            # a recursive rule: one same-stratum atom (linear) or two (non-linear)
            use_same = same and (index == 0 or rng.random() < 0.35)
            relation, rel_arity = rng.choice(same if use_same else lower)
            builder.positive(relation, rel_arity)
        if not builder.bound:
            continue
        if rng.random() < 0.2:
            builder.aggregate(lower)
        if rng.random() < 0.15:
            builder.binding()
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            builder.comparison()
        if rng.random() < 0.35:
            builder.negation(*rng.choice(lower))
        head_args = tuple(
            Var(rng.choice(builder.bound)) if rng.random() < 0.88 else Const(rng.choice(DOMAIN))
            for _ in range(arity))
        if Atom(head, head_args) in builder.body:
            continue  # `p(X, Y) :- ..., p(X, Y)`: pyDatalog loops forever on it
        return Rule(Atom(head, head_args), tuple(builder.body))
    return None


# ---- running both engines -------------------------------------------------------------------
def evaluate_ours(program: Program) -> dict[str, set[tuple]]:
    engine = Engine()
    engine.load_text(to_souffle(program), name="<generated>")
    return {name: engine.relation(name) for name, _ in program.relations}


_worker = PyDatalogWorker()


@pytest.fixture(scope="module", autouse=True)
def _stop_worker():
    yield
    _worker.close()


def differences(program: Program) -> dict[str, tuple[set, set]]:
    """Relations whose contents differ: name -> (only ours, only pyDatalog's). Raises
    `PyDatalogTimeout` if pyDatalog does not finish."""
    ours = evaluate_ours(program)
    theirs = _worker.evaluate(program, PYDATALOG_TIMEOUT)
    return {name: (ours[name] - theirs[name], theirs[name] - ours[name])
            for name in ours if ours[name] != theirs[name]}


def _fails(program: Program) -> bool:
    try:
        return bool(differences(program))
    except (ReasonerError, PyDatalogTimeout):
        return False  # a smaller program that we reject is not a smaller failure


def minimise(program: Program) -> Program:
    """Drop rules, then facts, one at a time, while the two engines still disagree."""
    current = program
    for field in ("rules", "facts"):
        index = 0
        while index < len(getattr(current, field)):
            items = getattr(current, field)
            candidate = Program(**{**_fields(current), field: items[:index] + items[index + 1:]})
            if _fails(candidate):
                current = candidate
            else:
                index += 1
    return current


def _fields(program: Program) -> dict:
    return {"relations": program.relations, "facts": program.facts, "rules": program.rules}


def _report(program: Program) -> str:
    small = minimise(program)
    lines = ["our engine and pyDatalog disagree; smallest program found:", to_souffle(small)]
    for name, (ours, theirs) in sorted(differences(small).items()):
        lines.append(f"{name}: only ours {sorted(ours)}, only pyDatalog {sorted(theirs)}")
    return "\n".join(lines)


# ---- the tests ------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(PROGRAMS))
def test_random_program_agrees_with_pydatalog(seed):
    program = generate_program(seed)
    try:
        differ = differences(program)
    except PyDatalogTimeout:
        pytest.skip("pyDatalog does not terminate on this program (its bug, see the docstring)")
    if differ:
        pytest.fail(_report(program))


def test_generated_programs_cover_the_constructs():
    """The generator keeps producing every construct the test is meant to cover."""
    seen = set()
    for seed in range(PROGRAMS):
        for rule in generate_program(seed).rules:
            heads = rule.head.relation.split("_")[0]
            for literal in rule.body:
                if isinstance(literal, Atom):
                    if literal.relation == rule.head.relation:
                        seen.add("recursion")
                    elif literal.relation.split("_")[0] == heads:
                        seen.add("mutual recursion")
                    names = atom_variables(literal)
                    if len(names) != len(set(names)):
                        seen.add("repeated variable")
                    if any(isinstance(a, Const) for a in literal.args):
                        seen.add("constant")
                    if any(isinstance(a, Wildcard) for a in literal.args):
                        seen.add("wildcard")
                elif isinstance(literal, Negation):
                    seen.add("negation")
                elif isinstance(literal, Comparison):
                    seen.add(f"comparison {literal.op}")
                elif isinstance(literal, Aggregate):
                    seen.add(f"aggregate {literal.function}")
            same = [lit for lit in rule.body
                    if isinstance(lit, Atom) and lit.relation.split("_")[0] == heads]
            if len(same) >= 2:
                seen.add("non-linear recursion")
    wanted = {"recursion", "mutual recursion", "non-linear recursion", "repeated variable",
              "constant", "wildcard", "negation", "aggregate count", "aggregate sum",
              "aggregate min", "aggregate max"} | {f"comparison {op}" for op in ("<", "<=", ">", ">=", "!=", "=")}
    assert wanted <= seen, sorted(wanted - seen)


# A few fixed programs that pin down the translation of the constructs where the two engines
# are easiest to get out of step, with what Soufflé gives for them.
X, Y, Z, N = Var("X"), Var("Y"), Var("Z"), Var("N")
_ = Wildcard()


def _atom(relation: str, *args) -> Atom:
    return Atom(relation, tuple(Const(a) if isinstance(a, int) else a for a in args))


FIXED_FACTS = {
    "d": [(0,), (1,), (2,), (3,)],
    "r": [(1, 2), (1, 3), (2, 2), (3, 1)],
    "r3": [(1, 2, 0), (1, 2, 1), (1, 3, 1), (2, 2, 2)],
}
FIXED = {
    "count and sum are 0 on an empty group": (
        [Rule(_atom("q", X, N), (_atom("d", X), Aggregate(N, "count", None, (_atom("r", X, _),)))),
         Rule(_atom("s", X, N), (_atom("d", X), Aggregate(N, "sum", Y, (_atom("r", X, Y),))))],
        {"q": {(0, 0), (1, 2), (2, 1), (3, 1)}, "s": {(0, 0), (1, 5), (2, 2), (3, 1)}},
    ),
    "count and sum go over tuples, not distinct values": (
        [Rule(_atom("q", X, N), (_atom("d", X), Aggregate(N, "count", None, (_atom("r3", X, _, _),)))),
         Rule(_atom("s", X, N), (_atom("d", X), Aggregate(N, "sum", Y, (_atom("r3", X, Y, _),))))],
        {"q": {(0, 0), (1, 3), (2, 1), (3, 0)}, "s": {(0, 0), (1, 7), (2, 2), (3, 0)}},
    ),
    "min and max give no row on an empty group": (
        [Rule(_atom("q", X, N), (_atom("d", X), Aggregate(N, "min", Y, (_atom("r", X, Y),)))),
         Rule(_atom("s", X, N), (_atom("d", X), Aggregate(N, "max", Y, (_atom("r", X, Y),))))],
        {"q": {(1, 2), (2, 2), (3, 1)}, "s": {(1, 3), (2, 2), (3, 1)}},
    ),
    "aggregates without a group; count over a join with a wildcard": (
        [Rule(_atom("q", 0, N), (Aggregate(N, "count", None, (_atom("r", _, Y), _atom("r3", Y, _, _))),)),
         Rule(_atom("s", 0, N), (Aggregate(N, "sum", Y, (_atom("r", Y, Z), _atom("r", Z, Y))),))],
        {"q": {(0, 2)}, "s": {(0, 6)}},
    ),
    "wildcards are independent of each other": (
        [Rule(_atom("q", X, X), (_atom("r", X, _), _atom("r", _, X))),
         Rule(_atom("s", X, Y), (_atom("r3", X, Y, _), Negation(_atom("r", Y, _))))],
        {"q": {(1, 1), (2, 2), (3, 3)}, "s": set()},
    ),
}


# Where pyDatalog answers otherwise than Soufflé: a count over a body of several atoms counts
# each match in pyDatalog, each distinct binding of the body's named variables in Soufflé
# (which evaluates such a body through a relation over them; its `aggregate_witnesses` test).
PYDATALOG_OTHERWISE = {"aggregates without a group; count over a join with a wildcard": {"q": {(0, 5)}}}


@pytest.mark.parametrize("name", FIXED.keys())
def test_fixed_program_agrees_with_pydatalog_and_souffle(name):
    rules, expected = FIXED[name]
    relations = {"d": 1, "r": 2, "r3": 3, "q": 2, "s": 2}
    fixed = program(relations, FIXED_FACTS, rules)
    ours, theirs = evaluate_ours(fixed), evaluate_pydatalog(fixed)
    for relation, rows in expected.items():
        assert ours[relation] == rows, relation
        assert theirs[relation] == PYDATALOG_OTHERWISE.get(name, {}).get(relation, rows), relation
