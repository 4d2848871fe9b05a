"""A missing comma between arguments is named as such, at the argument after the gap; not
"expected '.' before 'V'" (issue 17)."""

from __future__ import annotations

import pytest

from reasoner import Engine, ParseError


def message(goal: str, kind: str = "query") -> str:
    engine = Engine()
    with pytest.raises(ParseError) as caught:
        engine.query(goal) if kind == "query" else engine.load_text(goal, name="r.dl")
    return caught.value.render()


def test_query():
    assert message('?- event(E, D, _, "RUS" V, _).') == (
        '<query>:1:25: error: expected `,` between arguments, before `V`\n'
        '   1 | ?- event(E, D, _, "RUS" V, _).\n'
        '     |                         ^\n'
        '  hint: arguments are separated by `,`')


def test_bare_goal_and_rules():
    assert message('event(E, D "RUS")').startswith("<query>:1:12: error: expected `,` between arguments")
    assert message('p(X) :- q(X,\n  Y 3).\n', "rules").startswith(
        "r.dl:2:5: error: expected `,` between arguments, before `3`")


def test_parenthesised_body():
    assert "expected `,` between literals, before `q`" in message("?- (p(X) q(X)).")


def test_missing_dot_still_reported():
    assert "expected `.` before `r`" in message("p(X) :- q(X) r(X).", "rules")
