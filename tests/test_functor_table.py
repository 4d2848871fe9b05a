"""The functor table (`reasoner.functors.TABLE`) is the one description of a functor: every layer
reads its entry, and this test fails if a layer lacks what it needs for one.

- the parser accepts it (arity), the checker types it (`result`), the planner types it
  (`type_of`) and knows its purity;
- the code generator writes it, and every name that code calls is in the namespace of
  generated code (`plan.runtime.HELPERS`) or in the per-evaluation context (`make_context`);
- the REPL highlights every named functor as a keyword (and completes it);
- its `example` evaluates, through the engine, to the value the entry states.
"""

from __future__ import annotations

import builtins
import dis

import pytest

from reasoner import Engine
from reasoner.functors import FUNCTORS, TABLE, CallSite
from reasoner.plan.runtime import HELPERS, make_context
from reasoner.repl.lexer import FUNCTORS as HIGHLIGHTED
from reasoner.repl.lexer import tokenize

NAMES = [f.name for f in TABLE]


def test_names_are_unique_and_indexed() -> None:
    assert len(NAMES) == len(set(NAMES)) and list(FUNCTORS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_layer_has_an_entry(name: str) -> None:
    functor = FUNCTORS[name]
    low, high = functor.arity
    assert 0 <= low and (high is None or high >= low)
    # the generated code of an application, for each result type it can have
    for result in ("number", "unsigned", "float", "symbol", "date"):
        args = [f"a{i}" for i in range(low)]
        site = CallSite(args, ["date"] + ["number"] * (low - 1), result, where=lambda: "C0",
                        bounded_int=lambda code: f"bounded({code})",
                        bounded_string=lambda code: f"bounded({code})")
        code = compile(functor.code(site), f"<{name}>", "eval")
        known = set(HELPERS) | set(make_context()) | set(dir(builtins)) | {"bounded", "C0", *args}
        loaded = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_NAME", "LOAD_GLOBAL")}
        missing = loaded - known
        assert not missing, f"`{name}` calls {missing}, which the runtime does not provide"
        assert isinstance(functor.pure(result), bool)
    assert set(functor.context) <= set(make_context())
    assert functor.type_of(["number"] * low) is not None or functor.type_of(["symbol"] * low) is not None


@pytest.mark.parametrize("name", NAMES)
def test_the_example_evaluates_through_every_layer(name: str) -> None:
    text, expected = FUNCTORS[name].example
    engine = Engine()
    answers = list(engine.query(f"X = {text}"))
    assert answers == [{"X": expected}], text
    if FUNCTORS[name].named:
        assert f"{name}(" in text


@pytest.mark.parametrize("name", [f.name for f in TABLE if f.named])
def test_the_repl_highlights_named_functors(name: str) -> None:
    assert name in HIGHLIGHTED
    assert [t.kind for t in tokenize(f"{name}(X)") if t.text == name] == ["keyword"]


def test_lower_and_upper_in_rules() -> None:
    engine = Engine()
    engine.load_text('.decl actor(name: symbol)\n.decl key(k: symbol, name: symbol)\n'
                     'actor("Russia"). actor("UKRAINE"). actor("rus").\n'
                     'key(lower(N), N) :- actor(N).\n'
                     '.decl same(a: symbol, b: symbol)\n'
                     'same(A, B) :- actor(A), actor(B), A != B, upper(A) = upper(B).')
    assert engine.relation("key") == {("russia", "Russia"), ("ukraine", "UKRAINE"), ("rus", "rus")}
    assert engine.relation("same") == set()
    engine.load_text('actor("RUS").')
    assert engine.relation("same") == {("rus", "RUS"), ("RUS", "rus")}


def test_lower_and_upper_are_checked_as_symbol_functors() -> None:
    engine = Engine()
    with pytest.raises(Exception, match="`lower` takes \\(symbol\\)"):
        engine.load_text(".decl n(x: number)\n.decl m(x: symbol)\nm(lower(X)) :- n(X).")
    with pytest.raises(Exception, match="`upper` takes 1 arguments, not 2"):
        engine.load_text('.decl m(x: symbol)\nm(upper("a", "b")).')


def test_lower_and_upper_are_pure_bounds_of_a_range() -> None:
    engine = Engine()  # the planner reads purity from the table
    engine.load_text('.decl w(a: symbol)\n.decl p(a: symbol, b: symbol)\n'
                     'p(A, B) :- w(A), w(B), B >= lower(A), B < upper(A).')
    assert "range w(B) on column 0 >= lower(A), < upper(A)" in engine.dump("plan")
