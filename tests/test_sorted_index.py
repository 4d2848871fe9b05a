"""Range conditions read through sorted indexes give the answers of a naive evaluation.

- `SortedIndex` and `Relation.sorted_index`: built lazily, kept sorted by `insert_new` (small
  batches row by row, large ones merged) and by `remove`; float NaNs are left out.
- The planner turns `D1 < D2, D2 <= D1 + 30` (and the mirrored forms, `=`, several bounds on
  one side) into a range scan, and only when a comparison bounds the scanned atom's column.
- Generated rules (hypothesis): two atoms over columns of one type (number, float, date or
  symbol), an optional shared key, one to three comparisons between the second atom's value
  and the first's (strict and non-strict, either side, mirrored), on data with many duplicates
  and values on the bounds; the engine's answer, with and without sorted indexes, equals a
  Python loop over all pairs. The facts arrive in batches through `add_facts`, so an index
  built for one batch is updated for the next.
- A recursive rule whose range atom is the relation the stratum derives.
"""

from __future__ import annotations

import datetime
import math
import operator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reasoner import Engine, plan
from reasoner.relation import Relation
from reasoner.sorted_index import SortedIndex

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq}
MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def _contents(index: SortedIndex) -> dict:
    return {k: (list(values), sorted(rows)) for k, (values, rows) in index.buckets.items() if rows}


def _check_sorted(index: SortedIndex) -> None:
    for values, rows in index.buckets.values():
        assert values == sorted(values)
        assert values == [row[index.column] for row in rows]


# ---- the data structure -----------------------------------------------------------------


@pytest.mark.parametrize("batch", [1, 5, 16, 17, 200])
def test_insert_and_remove_keep_the_buckets_sorted(batch):
    rows = [(i % 3, (i * 7919) % 101, f"r{i}") for i in range(600)]
    relation = Relation("r", 3, rows[:100])
    index = relation.sorted_index((0,), 1)
    assert relation.sorted_index((0,), 1) is index  # built once
    for start in range(100, 600, batch):
        relation.insert_new(set(rows[start:start + batch]))
        _check_sorted(index)
    assert _contents(index) == _contents(SortedIndex((0,), 1, rows))
    relation.remove(set(rows[300:]))
    _check_sorted(index)
    assert _contents(index) == _contents(SortedIndex((0,), 1, rows[:300]))


def test_an_index_without_key_columns_keeps_one_bucket_in_place():
    relation = Relation("r", 1)
    index = relation.sorted_index((), 0)
    values, rows = index.get(())
    relation.insert_new({(3,), (1,)})
    relation.insert_new({(i,) for i in range(100, 140)})
    assert index.get(()) == (values, rows)  # the same lists, which plans read once
    assert values == [1, 3] + list(range(100, 140))
    relation.remove({(3,)})
    assert values[:2] == [1, 100] and rows[:2] == [(1,), (100,)]


def test_nan_rows_are_left_out():
    nan = float("nan")
    index = SortedIndex((), 0, [(1.0,), (nan,), (-0.5,)])
    assert index.get(()) == ([-0.5, 1.0], [(-0.5,), (1.0,)])
    index.add([(nan,)])
    index.remove([(nan,)])
    assert len(index) == 2


# ---- the plans ------------------------------------------------------------------------

FOLLOW = """
.decl ev(e: number, a: symbol, d: date)
.decl follows(e1: number, e2: number)
follows(E1, E2) :- ev(E1, _, D1), ev(E2, _, D2), D1 < D2, D2 <= D1 + 30.
"""


def _plan(text: str) -> str:
    engine = Engine()
    engine.load_text(text)
    return engine.dump("code")


def test_the_follow_up_rule_reads_a_slice_of_a_sorted_index():
    source = _plan(FOLLOW)
    assert "R0.sorted_index((), 2)" in source
    assert "bisect_right(K0, v_D1)" in source
    assert "bisect_right(K0, add_days(v_D1, 30, C0), lo0)" in source
    assert "in V0[lo0:hi1]:" in source
    assert " < v_D2" not in source and "v_D2 <=" not in source  # implied by the slice


def test_no_sorted_index_without_a_range_or_with_the_switch_off(monkeypatch):
    assert "sorted_index" not in _plan(
        ".decl e(x: number, y: number)\n.decl p(x: number, y: number)\n"
        "p(X, Z) :- e(X, Y), e(Y, Z), X != Z.")
    # The outermost loop runs once: filtering its rows costs less than sorting them.
    assert "sorted_index" not in _plan(
        ".decl e(x: number, y: number)\n.decl p(x: number)\np(X) :- e(X, Y), Y > 3, Y <= 9.")
    monkeypatch.setattr(plan, "SORTED_INDEXES", False)
    assert "sorted_index" not in _plan(FOLLOW)


def test_a_bound_that_may_fail_is_computed_only_when_rows_remain():
    # `D1 + N` overflows for 9999-12-20 + 30; no event comes after that one, so the filter
    # `D2 <= D1 + N` was never reached, and the range must not compute it either.
    engine = Engine()
    engine.load_text(FOLLOW + "ev(1, \"a\", 2020-01-01). ev(2, \"a\", 2020-01-31). ev(3, \"a\", 9999-12-20).")
    assert engine.relation("follows") == {(1, 2)}


# ---- generated rules against a naive evaluation ---------------------------------------

DAY0 = datetime.date(2024, 2, 27)
VALUES = {
    "number": st.integers(-4, 4),
    "float": st.sampled_from([-1.5, -0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.25, math.inf, float("nan")]),
    "date": st.integers(0, 6).map(lambda n: DAY0 + datetime.timedelta(days=n)),
    "symbol": st.sampled_from(["", "a", "ab", "b", "B", "ba", "z"]),
}
OFFSETS = {"number": st.integers(-3, 3), "float": st.sampled_from([-1.0, 0.0, 0.5, 2.0]),
           "date": st.integers(-3, 3), "symbol": st.just(None)}


def _shift(value, offset, kind):
    if offset is None:
        return value
    if kind == "date":
        return value + datetime.timedelta(days=offset)
    return value + offset


def _literal(offset) -> str:
    if offset is None:
        return "V1"
    if isinstance(offset, float):
        return f"V1 + {offset!r}" if offset >= 0 else f"V1 - {-offset!r}"
    return f"V1 + {offset}" if offset >= 0 else f"V1 - {-offset}"


@st.composite
def range_rules(draw):
    kind = draw(st.sampled_from(sorted(VALUES)))
    keyed = draw(st.booleans())
    comparisons = draw(st.lists(
        st.tuples(st.sampled_from(sorted(OPS)), OFFSETS[kind], st.booleans()), min_size=1, max_size=3))
    rows = st.lists(st.tuples(st.integers(0, 2), VALUES[kind]), max_size=25)
    batches = draw(st.lists(rows, min_size=1, max_size=3))
    return kind, keyed, comparisons, batches


def _program(kind: str, keyed: bool, comparisons) -> str:
    body = ["a(I1, K1, V1)", f"a(I2, {'K1' if keyed else 'K2'}, V2)"]
    for op, offset, mirrored in comparisons:
        if mirrored:  # `V1 + 3 >= V2` rather than `V2 <= V1 + 3`
            body.append(f"{_literal(offset)} {MIRRORED[op]} V2")
        else:
            body.append(f"V2 {op} {_literal(offset)}")
    return (f".decl a(i: number, k: number, v: {kind})\n.decl r(i1: number, i2: number)\n"
            f"r(I1, I2) :- {', '.join(body)}.\n")


def _naive(kind: str, keyed: bool, comparisons, rows) -> set:
    result = set()
    for i1, k1, v1 in rows:
        for i2, k2, v2 in rows:
            if keyed and k1 != k2:
                continue
            if all(OPS[op](v2, _shift(v1, offset, kind)) for op, offset, _ in comparisons):
                result.add((i1, i2))
    return result


def _evaluate(text: str, batches) -> tuple[set, list]:
    engine = Engine()
    engine.load_text(text)
    rows: list = []
    for batch in batches:
        numbered = [(len(rows) + n, key, value) for n, (key, value) in enumerate(batch)]
        rows.extend(numbered)
        engine.add_facts("a", numbered)
    return engine.relation("r"), rows


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(range_rules())
def test_range_rules_agree_with_a_naive_evaluation(case):
    kind, keyed, comparisons, batches = case
    text = _program(kind, keyed, comparisons)
    if all(op != "=" for op, _, _ in comparisons):  # `V2 = V1 + 1` binds V2 before its atom
        assert "sorted_index" in _plan(text), text
    ours, rows = _evaluate(text, batches)
    assert ours == _naive(kind, keyed, comparisons, rows), text
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan, "SORTED_INDEXES", False)
        nested, _ = _evaluate(text, batches)
    assert nested == ours


# ---- recursion ------------------------------------------------------------------------

RECURSIVE = """
.decl seed(x: number)
.decl p(x: number)
p(X) :- seed(X).
p(Z) :- p(X), p(Y), Y > X, X + 3 >= Y, Z = X + Y, Z <= 60, Z >= -60.
"""


def _naive_recursive(seeds) -> set:
    p = set(seeds)
    while True:
        new = {x + y for x in p for y in p if x < y <= x + 3 and -60 <= x + y <= 60} - p
        if not new:
            return {(x,) for x in p}
        p |= new


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.integers(-5, 12), min_size=1, max_size=8))
def test_a_range_over_the_relation_being_derived(seeds):
    engine = Engine()
    engine.load_text(RECURSIVE + "".join(f"seed({s}).\n" for s in seeds))
    assert "sorted_index" in engine.dump("code")
    assert engine.relation("p") == _naive_recursive(seeds)
