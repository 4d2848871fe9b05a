"""`match` on the DuckDB backend takes the same patterns as valid as the Python engine: an invalid
pattern, written in the rules or computed while a rule runs, makes neither `match` nor `!match`
hold (as in Soufflé), where DuckDB's own RE2 would stop the evaluation (`b.*[`) or read a brace
that starts no repetition (`fo{x}`) as a literal one."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402

PROGRAM = """
.decl pattern(p: symbol)
pattern("fo{2}b.*"). pattern("fo{x}b.*"). pattern("b.*["). pattern("f.*").
.decl text(t: symbol)
text("foob"). text("fo{x}bar"). text("b[").
.decl hit(p: symbol, t: symbol)
hit(P, T) :- pattern(P), text(T), match(P, T).
.decl miss(p: symbol, t: symbol)
miss(P, T) :- pattern(P), text(T), !match(P, T).
.decl written(t: symbol)
written(T) :- text(T), match("fo{x}b.*", T).
written(T) :- text(T), !match("b.*[", T).
"""


def answers(engine: Engine) -> dict[str, set[tuple]]:
    engine.load_text(PROGRAM)
    return {name: set(engine.relation(name)) for name in ("hit", "miss", "written")}


def test_invalid_patterns_agree_with_the_python_engine() -> None:
    python = answers(Engine())
    duckdb = answers(Engine(backend="duckdb"))
    assert duckdb == python
    assert python["hit"] == {("fo{2}b.*", "foob"), ("f.*", "foob"), ("f.*", "fo{x}bar")}
    assert python["written"] == set()
    invalid = {p for p, _ in python["hit"] | python["miss"]}
    assert "fo{x}b.*" not in invalid and "b.*[" not in invalid
