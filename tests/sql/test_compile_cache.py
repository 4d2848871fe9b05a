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


# ---- the on-disk cache (`reasoner.sql.compile_cache`) ------------------------------------

def _forget_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new process: no compiled rule in memory."""
    monkeypatch.setattr(strata, "_CACHE", type(strata._CACHE)())
    monkeypatch.setattr(strata, "_SCHEMAS", {})


def _entries(folder) -> list:
    return sorted((folder / "sql").glob("*.pickle")) if (folder / "sql").exists() else []


@pytest.fixture
def cache(tmp_path, monkeypatch: pytest.MonkeyPatch):
    from reasoner.sql import compile_cache

    monkeypatch.setenv("REASONER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(compile_cache, "MIN_RULES", 1)  # these programs are small
    return tmp_path


def test_a_new_process_reads_the_compiled_program_back(cache, monkeypatch: pytest.MonkeyPatch) -> None:
    first = loaded("duckdb", "number")
    assert len(_entries(cache)) == 1  # (the engine's programs without rules are not stored)
    _forget_in_memory(monkeypatch)

    def planned(*args: object, **kwargs: object) -> None:
        raise AssertionError("a program compiled before was planned again")

    plan_steps = strata.plan_steps
    monkeypatch.setattr(strata, "plan_steps", planned)
    second = loaded("duckdb", "number")
    monkeypatch.setattr(strata, "plan_steps", plan_steps)  # (continuing plans its own variants)
    assert second.relation("far") == first.relation("far") == {(1,), (2,)}
    assert second.relation("path") == first.relation("path")
    clauses = {id(clause) for clause in second.state.program.clauses}
    assert all(id(r.rule) in clauses for s in second._compiled for r in s.exit_rules + s.delta_rules)
    second.add_facts("edge", [(5, 6)])  # continuing reads the rules of this program too
    assert (3,) in second.relation("far")


def test_a_changed_rule_is_not_given_the_old_sql(cache, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded("duckdb", "number")
    _forget_in_memory(monkeypatch)
    changed = Engine(backend="duckdb")
    changed.add_facts("edge", EDGES["number"])
    changed.load_text(PROGRAM.format(kind="number").replace("Y > X + 2", "Y > X + 3"))
    assert changed.relation("far") == {(1,)}
    assert len(_entries(cache)) == 2


def test_a_refused_program_is_not_stored(cache) -> None:
    from reasoner.errors import CheckError

    for _ in range(2):
        with pytest.raises(CheckError, match="cannot run"):
            Engine(backend="duckdb").load_text(".decl s(x: symbol)\n.decl n(x: number)\ns(\"a\").\nn(ord(X)) :- s(X).\n")
    assert _entries(cache) == []


def test_a_damaged_entry_is_a_miss(cache, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded("duckdb", "number")
    (entry,) = _entries(cache)
    for damage in (b"", b"not a pickle", entry.read_bytes()[:40]):
        entry.write_bytes(damage)
        _forget_in_memory(monkeypatch)
        assert loaded("duckdb", "number").relation("far") == {(1,), (2,)}
    assert len(entry.read_bytes()) > 40  # written again, whole


def test_no_entry_when_caching_is_off(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasoner.sql import compile_cache

    monkeypatch.setattr(compile_cache, "MIN_RULES", 1)
    monkeypatch.setenv("REASONER_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert loaded("duckdb", "number").relation("far") == {(1,), (2,)}
    assert not any(tmp_path.rglob("*.pickle"))
