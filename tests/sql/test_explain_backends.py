"""Explanations on the DuckDB backend print what the Python engine prints (issue 15).

The shipped rule library on the shipped corpus is loaded into both engines; for facts an analyst
asks about (`responds`, the escalation ladder's steps, `precondition_status`, `deadline_status`,
relations of recursive strata) the proof trees and the why-nots (`escalation_step`, which the
corpus does not derive, among them) are the same text and the same JSON, at full depth and cut
at a depth.
"""

from __future__ import annotations

import pytest

from reasoner.engine import Engine
from reasoner.explain.render import proof_json, proof_text, why_not_text
from reasoner.explain.search import fact_text
from reasoner.facts_io import sort_key
from reasoner.repl import default_files

pytest.importorskip("duckdb")

# The corpus derives no `escalation_step` (it has no escalation by the ladder's classes; its
# why-not is tested below): `ladder_rise` and `de_escalation` are the steps it has. `canonical`,
# `allen_possible` and `deadline_status_support` are recursive strata (rounds matter there).
ANALYST_RELATIONS = ("responds", "ladder_rise", "de_escalation", "precondition_status", "deadline_status",
                     "canonical", "allen_possible", "deadline_status_support")


@pytest.fixture(scope="module")
def engines():
    python = Engine()
    python.load(*default_files())
    duckdb = Engine(backend="duckdb")
    duckdb.load(*default_files())
    yield python, duckdb
    duckdb.close()


def _facts(engine: Engine, relation: str, count: int = 3) -> list[str]:
    """A few facts of `relation`: the first, the last and one from the middle, in sorted order."""
    rows = sorted(engine.relation(relation), key=sort_key)
    assert rows, f"the corpus derives no {relation}"
    picked = dict.fromkeys([rows[0], rows[len(rows) // 2], rows[-1]][:count])
    return [fact_text(relation, row) for row in picked]


@pytest.mark.parametrize("relation", ANALYST_RELATIONS)
def test_proofs_are_the_same_text(engines, relation):
    python, duckdb = engines
    assert duckdb.relation(relation) == python.relation(relation)
    for fact in _facts(python, relation):
        expected = python.explain(fact)
        shown = duckdb.explain(fact)
        assert proof_text(shown) == proof_text(expected), fact
        assert proof_json(shown) == proof_json(expected), fact
        assert proof_text(duckdb.explain(fact, depth=2)) == proof_text(python.explain(fact, depth=2)), fact


def test_proofs_reach_event_statements_and_quotes(engines):
    _, duckdb = engines
    fact = _facts(duckdb, "ladder_rise", 1)[0]
    text = proof_text(duckdb.explain(fact))
    assert "event statement" in text and ".events:" in text
    assert '"' in text  # an article quote under an event statement


def _not_holding(engine: Engine) -> list[str]:
    """Facts that do not hold: a response to an unknown statement, an escalation step (the
    ladder's rise taken for one), a rise read backwards, a deadline with a status no rule gives."""
    step = sorted(engine.relation("ladder_rise"), key=sort_key)[0]
    deadline, day, _ = sorted(engine.relation("deadline_status"), key=sort_key)[0]
    return ['responds("no_such_statement", "trump_50_days")',
            fact_text("escalation_step", step[:2]),
            fact_text("ladder_rise", (step[1], step[0], *step[2:])),
            fact_text("deadline_status", (deadline, day, "no_such_status"))]


def test_why_not_is_the_same_text(engines):
    python, duckdb = engines
    for fact in _not_holding(python):
        assert why_not_text(duckdb.why_not(fact)) == why_not_text(python.why_not(fact)), fact


def test_a_fact_that_does_not_hold_is_refused_alike(engines):
    python, duckdb = engines
    fact = 'responds("no_such_statement", "trump_50_days")'
    with pytest.raises(Exception) as on_python:
        python.explain(fact)
    with pytest.raises(Exception) as on_duckdb:
        duckdb.explain(fact)
    assert on_duckdb.value.render() == on_python.value.render()
