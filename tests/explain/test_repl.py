"""`:why`, `:whynot` and `:set depth` in a session, and what Tab offers after them."""

from __future__ import annotations

import io
import json

from reasoner.engine import Engine
from reasoner.repl.completer import Vocabulary, suggest
from reasoner.repl.session import Session
from reasoner.repl.table import command_table

CHAIN = """
.decl edge(a: number, b: number)
.decl path(a: number, b: number)
edge(1, 2). edge(2, 3). edge(3, 4). edge(4, 5).
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
"""


def session() -> tuple[Session, io.StringIO]:
    def make() -> Engine:
        engine = Engine()
        engine.load_text(CHAIN, name="chain.dl")
        return engine

    out = io.StringIO()
    return Session(make, out=out, commands=command_table()), out


def answer(s: Session, out: io.StringIO, text: str) -> str:
    out.seek(0)
    out.truncate()
    s.handle(text)
    return out.getvalue()


def test_why_uses_the_session_depth_and_expands_nodes():
    s, out = session()
    full = answer(s, out, ":why path(1, 5)")
    assert full.startswith("[1] path(1, 5)    by path(X, Z) :- path(X, Y), edge(Y, Z).  (chain.dl:6)")
    assert "…" not in full and "[8] edge(4, 5)" in full
    answer(s, out, ":set depth 1")
    assert s.depth == 1
    cut = answer(s, out, ":why path(1, 5)")
    assert "[2] path(1, 4)  … (:why 2 to expand)" in cut
    expanded = answer(s, out, ":why 2")
    assert expanded.startswith("[1] path(1, 4)")  # numbered afresh
    assert "[2] path(1, 3)  … (:why 2 to expand)" in expanded
    assert s.last_proof is not None and s.last_proof.root.text == "path(1, 4)"
    assert "depth none\n" in answer(s, out, ":set depth none") and s.depth is None


def test_why_errors_keep_the_session():
    s, out = session()
    assert "no proof to take node 3 from" in answer(s, out, ":why 3")
    answer(s, out, ":why path(1, 2)")
    assert "node 2 is a" not in answer(s, out, ":why 2")  # a fact leaf: explained on its own
    assert "the last proof has no node 7" in answer(s, out, ":why 7")
    assert "does not hold" in answer(s, out, ":why path(5, 1)")
    assert "holds" in answer(s, out, ":whynot path(1, 2)")
    assert "did you mean `path`?" in answer(s, out, ":why paht(1, 2)")
    assert "depth must be positive" in answer(s, out, ":set depth 0")
    assert s.depth == 6
    assert answer(s, out, "?- path(1, X), X > 4.").startswith("X")


def test_negation_nodes_are_not_facts_to_explain():
    s, out = session()
    s.handle("leaf(Y) :- edge(_, Y), !edge(Y, _).")
    text = answer(s, out, ":why leaf(5)")
    assert "[3] no edge(5, _)" in text
    assert "node 3 is a negation (`no edge(5, _)`), not a fact" in answer(s, out, ":why 3")


def test_json_format():
    s, out = session()
    answer(s, out, ":format json")
    data = json.loads(answer(s, out, ":why path(1, 3)"))
    assert data["fact"] == "path(1, 3)" and data["depth"] == 6 and len(data["nodes"]) == 4
    data = json.loads(answer(s, out, ":whynot path(3, 1)"))
    assert data["explanation"] == "whynot" and len(data["failures"]) == 2


def test_reset_forgets_the_last_proof():
    s, out = session()
    answer(s, out, ":why path(1, 3)")
    answer(s, out, ":reset")
    assert s.last_proof is None


VOCABULARY = Vocabulary(
    commands={name: "" for name in command_table()},
    command_arguments={name: cmd.arguments for name, cmd in command_table().items()},
    relations={"event": "event/6", "escalation_step": "escalation_step/2", "edge": "edge/2"},
    actors={"RUS": "Russia", "USA": "United States"},
    events={"us_oil_sanctions": "", "unfriendly_act": ""},
)


def texts(text: str) -> list[str]:
    return [candidate for candidate, _ in suggest(text, VOCABULARY).candidates]


def test_fact_arguments_complete_relations_then_ids():
    assert texts(":why esc") == ["escalation_step"]
    assert texts(":whynot e") == ["edge", "escalation_step", "event"]
    assert texts(":why ") == ["edge", "escalation_step", "event"]
    assert texts(':why escalation_step("us_oil_sanctions", "unf') == ['unfriendly_act"']
    assert suggest(':why escalation_step("us_oil_sanctions", "unf', VOCABULARY).word == "unf"
    assert texts(":why event(E") == []  # no functors, variables or statement keywords
    assert texts(":why 1") == []


def test_settings_complete():
    assert texts(":set d") == ["depth"]
    assert texts(":set ") == ["depth", "ids", "max_tuples", "time_budget"]
    assert texts(":set depth ") == []
    assert texts(":set ids ") == ["detail", "plain"] and texts(":set ids p") == ["plain"]
