"""Relation indexes: an index grown a part at a time, through insertions, removals and
retractions made while it grows, ends up equal to one built at once; probes reuse a selective
index on some of their columns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reasoner.relation import ROWS_PER_KEY, Relation

rows = st.tuples(st.integers(0, 6), st.integers(0, 6))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("grow"), st.integers(0, 5)),
        st.tuples(st.just("insert"), st.sets(rows, max_size=4)),
        st.tuples(st.just("remove"), st.sets(rows, max_size=4)),
        st.tuples(st.just("retract"), st.sets(rows, max_size=4)),
        st.tuples(st.just("restore"), st.none()),
    ),
    max_size=25,
)


def _as_sets(index: dict) -> dict:
    return {key: sorted(bucket) for key, bucket in index.items()}


@settings(max_examples=300, deadline=None)
@given(st.sets(rows, max_size=30), steps, st.sampled_from([(0,), (1,), (0, 1)]))
def test_an_index_grown_in_parts_equals_one_built_at_once(initial, operations, columns):
    relation = Relation("r", 2, initial)
    restores = []
    for kind, argument in operations:
        if kind == "grow":
            relation.grow_index(columns, argument)
        elif kind == "insert":
            relation.insert_new(argument - relation.tuples)
        elif kind == "remove":
            relation.remove(argument & relation.tuples)
        elif kind == "retract":
            restores.append(relation.retract(argument & relation.tuples))
        elif restores:
            restores.pop()()
        assert relation.rows_to_index(columns) <= len(relation.tuples) or not relation.has_index(columns)
    grown = relation.index(columns)  # completes a growing index
    built = Relation("r", 2, relation.tuples).index(columns)
    assert _as_sets(grown) == _as_sets(built)
    assert relation.has_index(columns) and relation.rows_to_index(columns) == 0


def test_growing_finishes_after_enough_rows():
    relation = Relation("r", 2, {(i, i % 3) for i in range(10)})
    relation.grow_index((1,), 4)
    assert not relation.has_index((1,)) and relation.rows_to_index((1,)) == 6
    relation.insert_new({(20, 1)})  # indexed as it comes
    relation.grow_index((1,), 6)
    assert relation.has_index((1,))
    assert sorted(relation.index((1,))[1]) == [(1, 1), (4, 1), (7, 1), (20, 1)]


def test_a_probe_reuses_a_selective_index_on_some_of_its_columns():
    relation = Relation("event", 3, {(f"e{i}", f"a{i % 5}", i % 7) for i in range(100)})
    assert relation.probe_columns((0, 1)) == (0, 1)  # nothing built: its own index
    relation.index((1,))  # 20 rows per actor: too coarse
    assert relation.probe_columns((0, 1)) == (0, 1)
    relation.index((0,))  # one row per event id
    assert relation.probe_columns((0, 1)) == (0,)
    assert relation.probe_columns((1, 2)) == (1, 2)
    assert len(relation) <= ROWS_PER_KEY * len(relation.index((0,)))
