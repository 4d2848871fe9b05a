"""The process-wide cache of compiled rules (`reasoner.sql.strata`): a second engine loading the
same program writes no rule again and gives the same answers; a program whose schemas differ
(a column's type) is compiled afresh, not given SQL written for other types; and equal schemas
are one key object, so a hit is found without comparing every schema again."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.sql import strata  # noqa: E402

PROGRAM = """
.decl edge(x: {kind}, y: {kind})
.decl path(x: {kind}, y: {kind})
.decl far(x: {kind})
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
far(X) :- path(X, Y), Y > X + 2.
"""

EDGES = {"number": [(1, 2), (2, 3), (3, 4), (4, 5)], "float": [(1.0, 2.0), (2.0, 3.0), (3.0, 4.5)]}


def loaded(backend: str, kind: str) -> Engine:
    engine = Engine(backend=backend)
    engine.add_facts("edge", EDGES[kind])
    engine.load_text(PROGRAM.format(kind=kind))
    return engine


def test_a_second_engine_plans_no_rule_again(monkeypatch: pytest.MonkeyPatch) -> None:
    first = loaded("duckdb", "number")

    def planned(*args: object, **kwargs: object) -> None:
        raise AssertionError("a rule compiled for the first engine was planned again")

    monkeypatch.setattr(strata, "plan_steps", planned)
    second = loaded("duckdb", "number")
    assert [r.sql for s in second._compiled for r in s.exit_rules + s.delta_rules] == \
           [r.sql for s in first._compiled for r in s.exit_rules + s.delta_rules]
    assert second.relation("far") == first.relation("far") == {(1,), (2,)}


def test_other_column_types_are_compiled_afresh() -> None:
    loaded("duckdb", "number")
    floats = loaded("duckdb", "float")
    python = loaded("python", "float")
    for name in ("path", "far"):
        assert floats.relation(name) == python.relation(name)
    assert floats.relation("far") == {(1.0,), (2.0,)}


def test_equal_schemas_are_one_key_object() -> None:
    one, other = loaded("python", "number"), loaded("python", "number")
    first, second = one.state.analysis, other.state.analysis
    assert first is not None and second is not None and first is not second
    assert strata._schemas_key(first) is strata._schemas_key(second)
    floats = loaded("python", "float").state.analysis
    assert floats is not None and strata._schemas_key(floats) is not strata._schemas_key(first)
