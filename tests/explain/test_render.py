"""The explanation renderers on hand-made proofs: text tree, JSON, DOT, why-not."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from reasoner.explain.proof import Origin, Proof, ProofNode, Quote, RuleFailure, WhyNot
from reasoner.explain.render import (
    WIDTH,
    dot_string,
    proof_data,
    proof_dot,
    proof_json,
    proof_text,
    render_proof,
    render_why_not,
    why_not_data,
    why_not_json,
    why_not_text,
)
from reasoner.source import SourceText, Span
from reasoner.syntax import parse_program

TC = SourceText("tc.dl", "edge(1, 2).\nedge(2, 3).\npath(X, Y) :- edge(X, Y).\n"
                         "path(X, Z) :- path(X, Y), edge(Y, Z).\n")
EDGE_1_2, _, BASE, STEP = parse_program(TC)
EVENTS = SourceText("corpus/002.events", "\n" * 20)
QUOTE = Quote("s002", "002_d78a9d7bf1290817.txt", "The sanctions race — day two",
              "Peskov said that the measures enacted this week represent an unfriendly act and "
              "that Russia would respond in due time, as it always has.")
EVENT_ORIGIN = Origin("event", Span.at(EVENTS, 9, 1), "unfriendly_act", (QUOTE,))


def edge(number: int, a: int, b: int) -> ProofNode:
    return ProofNode(number, "fact", f"edge({a}, {b})", "edge", (a, b),
                     origin=Origin("rule-text", Span.at(TC, 1, 1)))


def sample() -> Proof:
    event = ProofNode(4, "fact", 'event("unfriendly_act", 2025-10-26, 2025-10-26, "RUS", "criticize", "USA")',
                      "event", ("unfriendly_act", datetime.date(2025, 10, 26), datetime.date(2025, 10, 26),
                                "RUS", "criticize", "USA"), origin=EVENT_ORIGIN)
    status = ProofNode(5, "fact", 'event_status("unfriendly_act", "occurred")', "event_status",
                       ("unfriendly_act", "occurred"), origin=EVENT_ORIGIN)
    aggregate = ProofNode(7, "aggregate", "N = count : { edge(1, _) }", values=(3,),
                          children=(edge(8, 1, 2), edge(9, 1, 4)), omitted=1)
    root = ProofNode(1, "derived", "path(1, 3)", "path", (1, 3), rule=STEP, height=2, children=(
        ProofNode(2, "derived", "path(1, 2)", "path", (1, 2), rule=BASE, height=1, children=(edge(3, 1, 2),)),
        event, status,
        ProofNode(6, "negation", "no p(1, _)"),
        aggregate,
        ProofNode(10, "elided", "path(1, 2)", "path", (1, 2), rule=BASE, height=1),
        ProofNode(11, "condition", "2.5 < 3.0", values=(2.5, 3.0)),
    ))
    return Proof(root, depth=6)


# ---- text ----------------------------------------------------------------------------------------
def test_text_tree():
    assert proof_text(sample()) == """\
[1] path(1, 3)    by path(X, Z) :- path(X, Y), edge(Y, Z).  (tc.dl:4)
├─ [2] path(1, 2)    by path(X, Y) :- edge(X, Y).  (tc.dl:3)
│  └─ [3] edge(1, 2)    fact, tc.dl:1
├─ [4] event("unfriendly_act", 2025-10-26, 2025-10-26, "RUS", "criticize", "USA")
│        event statement unfriendly_act, corpus/002.events:9
│        s002 (002_d78a9d7bf1290817.txt): “Peskov said that the measures enacted this week represent
│          an unfriendly act and that Russia would respond in due time, as it always has.”
├─ [5] event_status("unfriendly_act", "occurred")
│        event statement unfriendly_act, corpus/002.events:9 (quoted at [4])
├─ [6] no p(1, _)
├─ [7] N = count : { edge(1, _) }
│  ├─ [8] edge(1, 2)    fact, tc.dl:1
│  ├─ [9] edge(1, 4)    fact, tc.dl:1
│  └─ … and 1 more
├─ [10] path(1, 2)  … (:why 10 to expand)
└─ [11] 2.5 < 3.0"""


def test_text_fits_the_terminal():
    long_rule = parse_program(SourceText("r.dl", "step(A, B, E1, E2) :- responds(E2, E1), act(E1, S1, _, A, _, B), "
                                                 "act(E2, S2, _, B, _, A), conflictual(E1), conflictual(E2), "
                                                 "S1 <= S2, A != B.\n"))[0]
    node = ProofNode(1, "derived", 'step("RUS", "USA", "a_long_event_identifier", "another_long_event_identifier")',
                     "step", rule=long_rule, children=(
                         ProofNode(2, "fact", "responds(\"x\", \"y\")", origin=EVENT_ORIGIN),))
    text = proof_text(Proof(node))
    assert all(len(line) <= WIDTH for line in text.splitlines()), text
    assert "(r.dl:1)" in text
    # the rule wraps after whole literals, under the fact
    assert text.splitlines()[1].startswith("│     by step(A, B, E1, E2) :-")
    assert "act(E2, S2, _, B, _, A)," in text
    assert text.splitlines()[-1].endswith("as it always has.”")


def test_text_elided_hint_and_no_origin():
    root = ProofNode(1, "derived", "p(1)", rule=None, children=(
        ProofNode(2, "elided", "q(1)"), ProofNode(3, "fact", "r(1)")))
    text = proof_text(Proof(root, depth=1), elided_hint="(deeper with --depth)")
    assert text == "[1] p(1)    by a rule\n├─ [2] q(1)  … (deeper with --depth)\n└─ [3] r(1)"


# ---- JSON ----------------------------------------------------------------------------------------
def test_json_structure():
    text = proof_json(sample())
    data = json.loads(text)
    assert data["explanation"] == "why" and data["holds"] is True
    assert data["fact"] == "path(1, 3)" and data["depth"] == 6 and data["root"] == 1
    nodes = {node["node"]: node for node in data["nodes"]}
    assert [node["node"] for node in data["nodes"]] == list(range(1, 12))  # preorder
    root = nodes[1]
    assert list(root) == ["node", "parent", "kind", "fact", "relation", "values", "height", "rule",
                          "origin", "omitted", "see", "children"]
    assert root["parent"] is None and root["children"] == [2, 4, 5, 6, 7, 10, 11]
    assert root["rule"] == {"text": "path(X, Z) :- path(X, Y), edge(Y, Z).", "file": "tc.dl",
                            "line": 4, "column": 1}
    assert nodes[3]["parent"] == 2 and nodes[3]["kind"] == "fact" and nodes[3]["values"] == [1, 2]
    event = nodes[4]
    assert event["values"] == ["unfriendly_act", "2025-10-26", "2025-10-26", "RUS", "criticize", "USA"]
    assert event["rule"] is None
    assert event["origin"] == {
        "kind": "event", "description": "event statement unfriendly_act, corpus/002.events:9",
        "file": "corpus/002.events", "line": 9, "statement": "unfriendly_act",
        "quotes": [{"source": "s002", "article": "002_d78a9d7bf1290817.txt",
                    "title": "The sanctions race — day two", "text": QUOTE.text}]}
    assert nodes[7]["omitted"] == 1 and nodes[7]["children"] == [8, 9] and nodes[8]["parent"] == 7
    assert nodes[10]["kind"] == "elided" and nodes[10]["rule"]["line"] == 3
    assert nodes[11]["values"] == [2.5, 3.0]
    assert all(node["see"] is None for node in data["nodes"])
    assert "race — day two" in text  # not escaped
    assert text == json.dumps(proof_data(sample()), indent=2, ensure_ascii=False)


# ---- DOT -----------------------------------------------------------------------------------------
DOT_STRING = r'"(?:[^"\\]|\\.)*"'


def test_dot_escaping():
    assert dot_string(['say "hi"', "back\\slash", "two\nlines"]) == \
        '"say \\"hi\\"\\lback\\\\slash\\ltwo\\llines\\l"'
    node = ProofNode(1, "fact", 'name("a \\"quoted\\" \\\\ name")', origin=Origin(
        "event", Span.at(EVENTS, 2, 1), "e1", (Quote("s1", "a.txt", "", 'He said "no"\nand left \\ again'),)))
    dot = proof_dot(Proof(node))
    # every statement is well formed once its strings are taken out
    skeleton = re.sub(DOT_STRING, "S", dot)
    assert '"' not in skeleton and "\n" not in re.findall(DOT_STRING, dot)[0]
    assert skeleton.splitlines()[4] == "  n1 [label=S, shape=box, style=S, fillcolor=S];"
    label = re.findall(r"label=(" + DOT_STRING + ")", dot)[0]
    assert '“He said \\"no\\" and left \\\\ again”' in label  # a line break in a quote is a space


def test_dot_graph():
    dot = proof_dot(sample())
    assert dot.startswith("digraph proof {") and dot.endswith("}")
    assert "  n1 -> n2;" in dot and "  n7 -> n9;" in dot and "  n2 -> n3;" in dot
    nodes = re.findall(r"^  n(\d+) \[label=", dot, flags=re.M)
    assert nodes == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
    assert "style=\"filled\"" in re.findall(r"^  n3 .*$", dot, flags=re.M)[0]  # a fact
    assert "002_d78a9d7bf1290817.txt" in dot and "(tc.dl:4)" in dot
    assert render_proof(sample(), "dot") == dot


# ---- a sub-proof shown once -----------------------------------------------------------------------
def shared() -> Proof:
    """path(1, 3) twice below path(1, 4): proved at [2], referred to at [5]."""
    first = ProofNode(2, "derived", "path(1, 3)", "path", (1, 3), rule=BASE, height=1,
                      children=(edge(3, 1, 3),))
    again = ProofNode(5, "reference", "path(1, 3)", "path", (1, 3), height=1, see=2)
    middle = ProofNode(4, "derived", "q(1, 3)", "q", (1, 3), rule=BASE, height=2, children=(again,))
    return Proof(ProofNode(1, "derived", "path(1, 4)", "path", (1, 4), rule=STEP, height=3,
                           children=(first, middle)))


def test_reference_text():
    assert proof_text(shared()) == """\
[1] path(1, 4)    by path(X, Z) :- path(X, Y), edge(Y, Z).  (tc.dl:4)
├─ [2] path(1, 3)    by path(X, Y) :- edge(X, Y).  (tc.dl:3)
│  └─ [3] edge(1, 3)    fact, tc.dl:1
└─ [4] q(1, 3)    by path(X, Y) :- edge(X, Y).  (tc.dl:3)
   └─ [5] path(1, 3)    [see 2]"""


def test_reference_json():
    nodes = {node["node"]: node for node in json.loads(proof_json(shared()))["nodes"]}
    assert nodes[5]["kind"] == "reference" and nodes[5]["see"] == 2 and nodes[5]["children"] == []
    assert nodes[5]["parent"] == 4 and nodes[5]["rule"] is None and nodes[5]["height"] == 1
    assert nodes[2]["see"] is None


def test_reference_dot_is_one_box_with_two_edges():
    dot = proof_dot(shared())
    assert re.findall(r"^  n(\d+) \[label=", dot, flags=re.M) == ["1", "2", "3", "4"]
    assert "  n1 -> n2;" in dot and "  n4 -> n2;" in dot and "n5" not in dot


# ---- deep proofs -----------------------------------------------------------------------------------
def chain(levels: int) -> Proof:
    node = edge(levels, levels, levels + 1)
    for number in range(levels - 1, 0, -1):
        node = ProofNode(number, "derived", f"path({number}, {levels + 1})", "path", (number, levels + 1),
                         rule=STEP, height=levels - number, children=(node,))
    return Proof(node)


def test_deep_proof_renders_in_every_format():
    proof = chain(3000)
    text = proof_text(proof)
    assert len(re.findall(r"\[\d+\] ", text)) == 3000
    assert text.splitlines()[-1].endswith("[3000] edge(3000, 3001)    fact, tc.dl:1")
    dot = proof_dot(proof)
    assert dot.count(" -> ") == 2999
    data = json.loads(proof_json(proof))  # flat: no recursion to read it back either
    assert len(data["nodes"]) == 3000
    assert data["nodes"][-1]["fact"] == "edge(3000, 3001)" and data["nodes"][-1]["parent"] == 2999


# ---- why not -----------------------------------------------------------------------------------
def why_not() -> WhyNot:
    return WhyNot("path(1, 9)", "path", (1, 9), failures=(
        RuleFailure(BASE, BASE.body[0], 0, ((("X", 1), ("Y", 9)),), 1),
        RuleFailure(STEP, STEP.body[1], 1, ((("X", 1), ("Y", 2)), (("X", 1), ("Y", 3))), 1200),
        RuleFailure(EDGE_1_2, None, None, message="the fact edge(1, 2) is not path(1, 9)"),
    ))


def test_why_not_text():
    assert why_not_text(why_not()) == """\
path(1, 9) does not hold; 3 rules could derive it:
[1] path(X, Y) :- edge(X, Y).  (tc.dl:3)
    fails at edge(X, Y)  (body literal 1, tc.dl:3:15)
    with X = 1, Y = 9
[2] path(X, Z) :- path(X, Y), edge(Y, Z).  (tc.dl:4)
    fails at edge(Y, Z)  (body literal 2, tc.dl:4:27)
    1,200 bindings reach it, e.g.
      X = 1, Y = 2
      X = 1, Y = 3
[3] edge(1, 2).  (tc.dl:1)
    fails at its head edge(1, 2)
    the fact edge(1, 2) is not path(1, 9)"""


def test_why_not_values_and_notes():
    assert why_not_text(WhyNot("q(1)", "q", (1,), note="no rule derives `q`")) == \
        "q(1) does not hold: no rule derives `q`"
    failure = RuleFailure(BASE, BASE.body[0], 0, ((("X", "a \"b\""), ("Y", datetime.date(2025, 1, 2))),
                                                  (("X", 0.5), ("Y", 2))), 2)
    text = why_not_text(WhyNot("path(\"a\", 2)", "path", ("a", 2), failures=(failure,)))
    assert '  X = "a \\"b\\"", Y = 2025-01-02' in text and "  X = 0.5, Y = 2" in text
    assert "2 bindings reach it:" in text
    none = RuleFailure(BASE, BASE.body[0], 0, (), 0)
    assert "no bindings reach it" in why_not_text(WhyNot("p", "p", (), failures=(none,)))


def test_why_not_json():
    data = json.loads(why_not_json(why_not()))
    assert data == why_not_data(why_not())
    assert data["explanation"] == "whynot" and data["holds"] is False and data["values"] == [1, 9]
    second = data["failures"][1]
    assert second["literal"] == {"text": "edge(Y, Z)", "index": 1, "file": "tc.dl", "line": 4, "column": 27}
    assert second["bindings"] == [{"X": 1, "Y": 2}, {"X": 1, "Y": 3}] and second["binding_count"] == 1200
    assert data["failures"][2]["literal"] is None
    assert render_why_not(why_not(), "json") == why_not_json(why_not())


def test_unknown_format():
    with pytest.raises(ValueError):
        render_proof(sample(), "xml")
