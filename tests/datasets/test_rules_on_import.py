"""The shipped rules on an imported dataset (issue 16): on the ICEWS sample, with the corpus, they
finish and infer a small constant number of responses per event."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reasoner import Engine
from reasoner.resources import data_dir

ICEWS = Path(__file__).parent / "fixtures" / "icews-events-2018-sample.tab"

pytest.importorskip("pycountry")


@pytest.fixture(scope="module")
def engine() -> Engine:
    engine = Engine(time_budget=300)
    engine.load(data_dir("rules"), data_dir("corpus"))
    engine.load_dataset("icews", [ICEWS])
    return engine


def test_at_most_one_inferred_stimulus_per_response_and_basis(engine: Engine) -> None:
    inferred = Counter((r, how) for r, how, _ in engine.relation("inferred_stimulus") if r.startswith("icews_"))
    assert inferred and max(inferred.values()) == 1
    per_response = Counter(r for r, _ in engine.relation("responds") if r.startswith("icews_"))
    assert max(per_response.values()) <= 3  # inferred, via an ally, a threat carried out
    assert sum(per_response.values()) <= len([e for e in engine.relation("event") if e[0].startswith("icews_")])


def test_imported_events_answer_each_other_on_the_ladder(engine: Engine) -> None:
    answers = engine.query('responds(R, "icews_32863071"), event(R, _, _, "CHN", V, "USA")')
    assert answers == [{"R": "icews_32899641", "V": "reject"}]
    kinds = {r["K"] for r in engine.query('response_kind(S, R, K)') if r["R"].startswith("icews_")}
    assert len(kinds) >= 2  # a visit answered by a rejection is not met with like
