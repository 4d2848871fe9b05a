"""Running one workload on each peer: our engine, pyDatalog 0.22.4 and clingo.

Every runner takes the input facts as `{relation: [row, ...]}` (rows of ints) and returns the
answer relations' sizes (or contents), so that each benchmark can assert that every peer found
the same answer. What each runner's time includes:

- `ours_engine`: `Engine()`, `load_text(rules)` (parse, check, plan) and `add_facts` for every input
  relation, one after the other, each a commit that brings the evaluation up to date; this
  includes `add_facts`'s validation and conversion of every input value. `ours_evaluation_only`
  times `load_text(rules)` alone on an engine that already holds the facts: one evaluation.
- `pydatalog`: `assert_fact` for every input row, `load(rules)`, and one `ask` per answer
  relation (pyDatalog evaluates on demand, so the queries are where the work happens).
- `clingo`: `Control()`, `add` of the rules and of the facts as program text (built before the
  timed region: the analogue of a fact file on disk), `ground`, `solve`, and the count of the
  shown atoms of the model.
"""

from __future__ import annotations

import collections
import importlib.util
from collections.abc import Callable, Iterable, Mapping

import pytest

from reasoner import Engine

Facts = Mapping[str, Iterable[tuple]]


# ---- ours ---------------------------------------------------------------------------------------
def ours_engine(rules: str, facts: Facts, **engine_options) -> Engine:
    """A new engine with `rules` loaded first, then each input relation added with `add_facts`
    (in the order of `facts`: put the small relations first, since each `add_facts` is a commit
    that brings the evaluation up to date)."""
    engine = Engine(**engine_options)
    engine.load_text(rules)
    for name, rows in facts.items():
        engine.add_facts(name, rows)
    return engine


def ours_evaluation_only(benchmark, rules: str, facts: Facts, rounds: int, **engine_options) -> Engine:
    """Time `load_text(rules)` alone on an engine that already holds `facts` (added in the
    untimed setup, with no rules loaded): parsing, checking and planning the rules and one
    full evaluation, without the validation and conversion of the input rows by `add_facts`."""

    def setup():
        engine = Engine(**engine_options)
        for name, rows in facts.items():
            engine.add_facts(name, rows)
        return (engine,), {}

    def load(engine: Engine) -> Engine:
        engine.load_text(rules)
        return engine

    return benchmark.pedantic(load, setup=setup, rounds=rounds, iterations=1)


# ---- pyDatalog ----------------------------------------------------------------------------------
def pydatalog(rules: str, facts: Facts, answers: Mapping[str, str]) -> dict[str, int]:
    """Assert the facts, load `rules` (pyDatalog syntax), ask each of `answers` (name -> query
    text, e.g. `"path(X, Y)"`); the number of answers to each."""
    from pyDatalog import pyDatalog as pd

    pd.clear()
    try:
        for name, rows in facts.items():
            for row in rows:
                pd.assert_fact(name, *row)
        pd.load(rules)
        sizes = {}
        for name, query in answers.items():
            answer = pd.ask(query)
            sizes[name] = len(answer.answers) if answer else 0
        return sizes
    finally:
        pd.clear()


# ---- clingo -------------------------------------------------------------------------------------
def facts_text(facts: Facts) -> str:
    """The facts as ASP/Datalog program text: `edge(1,2).` one a line."""
    parts = []
    for name, rows in facts.items():
        parts.extend(f"{name}({','.join(map(str, row))}).\n" for row in rows)
    return "".join(parts)


def clingo(rules: str, facts: str) -> dict[str, int]:
    """Ground and solve `rules` (with `#show` directives) and the `facts` text; the number of
    shown atoms per predicate name in the (single) model."""
    import clingo as cl

    control = cl.Control(["--warn=none"])
    control.add("base", [], facts)
    control.add("base", [], rules)
    control.ground([("base", [])])
    counts: collections.Counter = collections.Counter()
    models = 0
    with control.solve(yield_=True) as handle:
        for model in handle:
            models += 1
            counts = collections.Counter(symbol.name for symbol in model.symbols(shown=True))
    assert models == 1, f"a stratified program has one model, clingo found {models}"
    return dict(counts)


# ---- skipping -----------------------------------------------------------------------------------
def need(module: str) -> None:
    """Skip the benchmark if a peer is not installed (`pip install -e '.[bench]'`)."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[bench]')")


def once(function: Callable) -> Callable:
    """Cache a zero-argument function's result (workloads and expected answers)."""
    cache: list = []

    def wrapper():
        if not cache:
            cache.append(function())
        return cache[0]

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper
