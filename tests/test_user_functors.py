"""User-defined functors (issue 18): `.functor f(...)` in rule text, `@f(...)` in rules, the
Python callable given as `Engine(functors={"f": f})`; the diagnostics a user reads when one is
missing, raises or answers with the wrong type, and that a failed load leaves the engine as
it was."""

from __future__ import annotations

import pytest

from reasoner import CheckError, Engine, EvaluationError

FACTS = """
.decl p(x: number)
p(1). p(2). p(3).
"""


def snapshot(engine: Engine) -> dict[str, set[tuple]]:
    return {name: engine.relation(name) for name in engine.relations()}


def test_a_functor_computes_in_rules_and_facts() -> None:
    engine = Engine(functors={"double": lambda x: 2 * x, "tag": lambda s, n: f"{s}-{n}"})
    engine.load_text(FACTS + """
        .functor double(x: number): number
        .functor tag(prefix: symbol, n: number): symbol
        .decl q(x: number, label: symbol)
        q(@double(X) + 1, @tag("p", X)) :- p(X).
        q(@double(10), "fact").
    """)
    assert engine.relation("q") == {(3, "p-1"), (5, "p-2"), (7, "p-3"), (20, "fact")}


def test_parameters_may_be_written_as_types_and_types_may_be_declared() -> None:
    engine = Engine(functors={"half": lambda x: x / 2})
    engine.load_text(FACTS + """
        .type Amount <: float
        .functor half(number): Amount
        .decl h(x: float)
        h(@half(X)) :- p(X).
    """)
    assert engine.relation("h") == {(0.5,), (1.0,), (1.5,)}


def test_a_stateless_functor_is_called_once_per_arguments_a_stateful_one_every_time() -> None:
    seen: list[int] = []
    counted: list[int] = []

    def square(x: int) -> int:
        seen.append(x)
        return x * x

    def count(x: int) -> int:
        counted.append(x)
        return len(counted)

    engine = Engine(functors={"square": square, "count": count})
    engine.load_text(FACTS + """
        .functor square(x: number): number
        .functor count(x: number): number stateful
        .decl a(x: number, y: number)
        .decl b(x: number, y: number)
        a(X, @square(1)) :- p(X).
        b(X, @count(1)) :- p(X).
    """)
    assert seen == [1]
    assert len(counted) == 3 and {y for _, y in engine.relation("b")} == {1, 2, 3}


def test_a_declared_functor_without_a_callable_is_reported_at_its_declaration() -> None:
    engine = Engine()
    with pytest.raises(CheckError) as caught:
        engine.load_text(FACTS + ".functor score(x: number): float\n.decl s(x: float)\ns(@score(X)) :- p(X).\n")
    text = str(caught.value)
    assert "<text>:4:1: error: the functor `score` is declared, but the engine has no Python callable for it" in text
    assert 'hint: pass one when making the engine: Engine(functors={"score": ...})' in text
    assert engine.relations() == {}


def test_undeclared_functors_wrong_counts_and_types_are_load_errors() -> None:
    engine = Engine(functors={"inc": lambda x: x + 1})
    with pytest.raises(CheckError) as caught:
        engine.load_text(FACTS + """.functor inc(x: number): number
.decl r(x: number)
r(@inc(X, 1)) :- p(X).
r(@dec(X)) :- p(X).
r(@inc("one")).
""")
    text = str(caught.value)
    assert "<text>:6:3: error: `@inc` takes 1 argument, not 2" in text
    assert "<text>:7:3: error: unknown functor `@dec`" in text
    assert "<text>:8:8: error: `@inc` takes a number here, but `\"one\"` is a symbol" in text


def test_a_functor_that_raises_names_itself_and_the_rule_and_changes_nothing() -> None:
    def lookup(x: int) -> int:
        if x == 3:
            raise KeyError(x)
        return x

    engine = Engine(functors={"lookup": lookup})
    engine.load_text(FACTS)
    before = snapshot(engine)
    with pytest.raises(EvaluationError) as caught:
        engine.load_text(".functor lookup(x: number): number\n.decl l(x: number)\nl(@lookup(X)) :- p(X).\n")
    assert str(caught.value).splitlines()[:3] == [
        "<text>:3:3: error: evaluation failed in a rule for `l`: the functor `@lookup` raised KeyError: 3",
        "   3 | l(@lookup(X)) :- p(X).",
        "     |   ^~~~~~~~~~",
    ]
    assert snapshot(engine) == before


def test_a_result_of_the_wrong_type_is_an_evaluation_error() -> None:
    engine = Engine(functors={"name": lambda x: x})
    with pytest.raises(EvaluationError, match=r"the functor `@name` returned 1, not a symbol"):
        engine.load_text(FACTS + ".functor name(x: number): symbol\n.decl n(s: symbol)\nn(@name(X)) :- p(X).\n")


def test_two_engines_keep_their_own_callables() -> None:
    rules = FACTS + ".functor f(x: number): number\n.decl out(x: number)\nout(@f(X)) :- p(X).\n"
    first, second = Engine(functors={"f": lambda x: x + 100}), Engine(functors={"f": lambda x: -x})
    first.load_text(rules)
    second.load_text(rules)
    assert first.relation("out") == {(101,), (102,), (103,)}
    assert second.relation("out") == {(-1,), (-2,), (-3,)}


def test_a_goal_cannot_apply_a_functor_but_a_rule_can_and_the_message_says_so() -> None:
    engine = Engine(functors={"f": lambda x: x})
    engine.load_text(FACTS + ".functor f(x: number): number\n")
    with pytest.raises(CheckError, match=r"`@f` can be applied in rules loaded into the engine, not in a goal"):
        list(engine.query("p(X), Y = @f(X)"))


def test_a_functor_table_entry_that_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match=r"functors\['f'\] is not callable"):
        Engine(functors={"f": 3})  # type: ignore[dict-item]
