"""A fact proved twice in one proof is proved once; later occurrences refer to it.

The program of `cases/repeated_subproof` is a two-step escalation sequence shaped like the rule
library's (each step proves the same acts, scores and responses again). Without sharing its proof
had 62 nodes, the act of the sanctions proved seven times over; with sharing it has 44, the act
proved once and referred to four times.
"""

from __future__ import annotations

from pathlib import Path

from reasoner import Engine

CASE = Path(__file__).parent / "cases" / "repeated_subproof" / "escalation.dl"
SEQUENCE = 'sequence("ultimatum", "protest", 2)'


def _expanded_size(proof) -> int:
    """How many nodes the proof would have with every reference proved again in place."""
    def size(node) -> int:
        if node.kind == "reference":
            return size(proof.node(node.see))
        return 1 + sum(size(child) for child in node.children)

    return size(proof.root)


def test_each_derived_fact_is_proved_once():
    engine = Engine()
    engine.load(CASE)
    proof = engine.explain(SEQUENCE)
    nodes = list(proof.root.walk())
    assert len(nodes) == 44 and _expanded_size(proof) == 62
    proved = [n.text for n in nodes if n.kind == "derived"]
    assert len(proved) == len(set(proved))
    references = [n for n in nodes if n.kind == "reference"]
    assert len(references) == 10
    for node in references:
        target = proof.node(node.see)
        assert target.kind == "derived" and target.text == node.text and target.number < node.number
        assert node.height == target.height and not node.children
    act = 'act("sanctions", 2025-10-22, "USA", "impose_sanctions", "RUS")'
    assert [n.kind for n in nodes if n.text == act] == ["derived"] + ["reference"] * 4


def test_a_reference_can_be_explained_on_its_own():
    engine = Engine()
    engine.load(CASE)
    proof = engine.explain(SEQUENCE)
    reference = next(n for n in proof.root.walk() if n.kind == "reference")
    again = engine.explain(reference.text)
    assert again.root.kind == "derived" and again.root.text == reference.text


DEEP_FIRST = """
.decl e(x: number)
e(1).
.decl b(x: number)
b(X) :- e(X).
.decl c(x: number)
c(X) :- b(X).
.decl a(x: number)
a(X) :- c(X).
.decl r(x: number)
r(X) :- a(X), b(X).
"""


def test_a_shallower_occurrence_is_proved_when_the_depth_cut_the_first():
    engine = Engine()
    engine.load_text(DEEP_FIRST, name="deep.dl")
    # b(1) is met first at level 4 (r > a > c > b), then at level 2
    whole = [(n.kind, n.text) for n in engine.explain("r(1)").root.walk()]
    assert whole.count(("derived", "b(1)")) == 1 and whole[-1] == ("reference", "b(1)")
    cut = [(n.kind, n.text) for n in engine.explain("r(1)", depth=3).root.walk()]
    assert ("elided", "b(1)") in cut and cut[-2:] == [("derived", "b(1)"), ("fact", "e(1)")]
