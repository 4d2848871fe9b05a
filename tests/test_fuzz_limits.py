"""Property-based test of issue 19's classes of hostile programs: long bodies, huge literals,
empty conversions, growing strings and cross products, mixed. Every program must end, within
the limits, in an answer or a `ReasonerError` whose diagnostics render; never in another
exception, and never later than the time budget allows.

2,000 examples (`derandomize=True`: CI sees the same ones every run); the limits are small
(5,000 tuples, 5 MB, half a second) so that the runaways among them stop early.
`REASONER_FUZZ_SCALE` and `REASONER_FUZZ_RANDOM` work as in `test_fuzz.py`.
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reasoner import Engine, ReasonerError
from tests.test_fuzz import time_limit

SCALE = float(os.environ.get("REASONER_FUZZ_SCALE", "1"))
RANDOM = os.environ.get("REASONER_FUZZ_RANDOM") == "1"

MAX_TUPLES, MAX_MEMORY, TIME_BUDGET = 5_000, 5_000_000, 0.5

SETTINGS = settings(
    max_examples=max(1, int(2_000 * SCALE)),
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BASE = (".decl a(x: number)\n" + "".join(f"a({i}).\n" for i in range(40))
        + ".decl e(x: number, y: number)\n" + "".join(f"e({i}, {i + 1}).\n" for i in range(40))
        + '.decl s(x: symbol)\ns("").\ns("a").\ns("12").\ns("-").\ns("0x").\n')
BASE_FACTS = 40 + 40 + 5
CONVERSIONS = ('""', '" "', '"-"', '"+"', '"0x"', '"0b"', '"1e5"', '"nan"', '"inf"', '"٣"',
               '"99999999999999999999"', "X")


@st.composite
def long_body(draw) -> str:
    atoms = draw(st.integers(1, 120))
    filters = draw(st.integers(0, 150))
    # a chain of joins (`e(X3, X4)`) or the same variable again: long, but no cross product
    parts, last = ["a(X0)"], 0
    for _ in range(atoms):
        if draw(st.booleans()):
            parts.append(f"e(X{last}, X{last + 1})")
            last += 1
        else:
            parts.append(f"a(X{draw(st.integers(0, last))})")
    parts += [f"X0 != {k}" for k in range(filters)]
    if draw(st.booleans()):
        parts.append("N = count : { a(Y), Y < X0 }")
        head = "p(X0, N)"
    else:
        head = "p(X0, X0)"
    order = draw(st.permutations(parts)) if len(parts) < 40 else parts
    return f".decl p(x: number, y: number)\n{head} :- {', '.join(order)}.\n"


@st.composite
def huge_literal(draw) -> str:
    digits = draw(st.integers(1, 6_000))
    column = draw(st.sampled_from(["number", "unsigned", "float"]))
    form = draw(st.sampled_from(["decimal", "hex", "power", "product", "negative", "sum"]))
    if form == "decimal":
        value = "9" * digits
    elif form == "hex":
        value = "0x" + "f" * max(1, digits // 1)
    elif form == "power":
        value = f"({draw(st.integers(2, 10 ** 6))}^{draw(st.integers(0, 10_000))})"
    elif form == "product":
        value = f"(10^{draw(st.integers(0, 4_500))}) * (10^{draw(st.integers(0, 4_500))})"
    elif form == "negative":
        value = f"-{draw(st.integers(0, 10 ** 6))}"
    else:
        value = f"{'9' * min(digits, 3_990)} + {'9' * min(digits, 3_990)}"
    return f".decl p(x: {column})\np({value}).\n"


@st.composite
def empty_conversion(draw) -> str:
    functor = draw(st.sampled_from(["to_number", "to_unsigned", "to_float"]))
    column = {"to_number": "number", "to_unsigned": "unsigned", "to_float": "float"}[functor]
    argument = draw(st.sampled_from(CONVERSIONS))
    body = " :- s(X)" if argument == "X" else ""
    return f".decl p(x: {column})\np({functor}({argument})){body}.\n"


@st.composite
def growing_string(draw) -> str:
    step = draw(st.sampled_from(['cat(X, "a")', "cat(X, X)", 'cat("ab", X, "c")', "X + X",
                                 'cat(X, to_string(N))']))
    bound = draw(st.sampled_from(["", ", N < 30", ", N < 100000", ", strlen(X) < 5000"]))
    return (".decl g(x: symbol, n: number)\n"
            f'g("a", 0).\ng({step}, N + 1) :- g(X, N){bound}.\n')


@st.composite
def cross_product(draw) -> str:
    width = draw(st.integers(2, 6))
    variables = [f"V{i}" for i in range(width)]
    # All variables in the head: stopped by the tuple limit. Fewer (duplicates) or a filter
    # that nothing passes: by the time budget, so only over at most three atoms (64,000 rows).
    narrow = width <= 3 and draw(st.booleans())
    head_vars = variables[: draw(st.integers(1, width))] if narrow else variables
    columns = ", ".join(f"c{i}: number" for i in range(len(head_vars)))
    body = ", ".join(f"a({v})" for v in variables)
    extra = draw(st.sampled_from(["", ", V0 != V1", ", !a(V0 + 100)"]
                                 + ([", V0 + V1 < 0"] if width <= 3 else [])))
    return f".decl p({columns})\np({', '.join(head_vars)}) :- {body}{extra}.\n"


programs = st.one_of(long_body(), huge_literal(), empty_conversion(), growing_string(), cross_product())


@SETTINGS
@given(programs)
def test_hostile_programs_end_within_the_limits(text):
    engine = Engine(max_tuples=MAX_TUPLES, max_memory=MAX_MEMORY, time_budget=TIME_BUDGET)
    started = time.process_time()  # CPU seconds: the work the limits allowed, not the machine's load
    with time_limit(20):  # a backstop only (Runaway fails the test): the limits must stop every program long before
        try:
            engine.load_text(BASE + text, name="hostile.dl")
        except ReasonerError as exc:
            assert exc.diagnostics
            exc.render()
            return
        finally:
            elapsed = time.process_time() - started
    assert elapsed < TIME_BUDGET + 10, f"took {elapsed:.1f} s"
    derived = sum(engine.size(name) for name in engine.relations()) - BASE_FACTS
    assert derived <= MAX_TUPLES
    for name in engine.relations():  # every value can be printed
        for row in engine.relation(name):
            for value in row:
                str(value)
