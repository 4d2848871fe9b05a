"""The completeness check and the script splitter: pure functions, no terminal."""

from __future__ import annotations

import pytest

from reasoner.repl.inputs import classify, is_complete, is_event_statement, split_script
from reasoner.repl.lexer import tokenize


@pytest.mark.parametrize("text", [
    "",
    "   ",
    ":help",
    ":facts event 5",
    "?- p(X).",
    "p(X) :- q(X).",
    "p(X) :- q(X).   ",
    "p(X). // a comment",
    'p("a.b").',
    "p(X) :- q(X), X > 2.5.",
    "p(2025-10-22).",
    "p(X) :-\n    q(X),\n    r(X).",
    "/* a. comment. */",
    "// only a comment.",
    ".decl p(x: number)",
    ".decl p(x: number,\n      y: number)",
    ".decl p(x: number) p(1).",
    ".type Score = float",
    '#include "other.dl"',
    ".output p",
    "a.b(X) :- c.d(X).",
    'p("a\\".").',
    'p("unterminated',  # strings end on their line: submitted so the parser reports it
    "event x 2025-10-22 USA criticize RUS\n",
    "event x 2025-10-22 USA criticize RUS\n    cite s1 \"a.\"\n",
    "actor XX \"X\" is state\n\n",
    "event(E, _, _, _, _, _).",
])
def test_complete(text):
    assert is_complete(text)


@pytest.mark.parametrize("text", [
    "?- p(X)",
    "p(X) :- q(X)",
    "p(X) :- q(X),\n",
    'p("a.")',
    'p("a.", X) // done.',
    "p(X) /* . */",
    "/* an unfinished comment.",
    "p(X) :- q(X). r(X) :- ",
    "p(2.5",
    ".decl p(x: number,",
    ".decl p(x: number)\np(X) :- q(X)",
    "event x 2025-10-22 USA criticize RUS",  # an event statement ends with an empty line
    "event x 2025-10-22 USA criticize RUS\n    cite s1 \"a.\"",
])
def test_incomplete(text):
    assert not is_complete(text)


@pytest.mark.parametrize("text, kind", [
    ("", "empty"),
    (":relations", "command"),
    ("  :help", "command"),
    ("?- p(X).", "rules"),
    ("event x 2025-10-22 USA criticize RUS", "events"),
    ("actor XX \"X\"", "events"),
    ("evidence x\n    cite s1 \"q\"", "events"),
    ("event(E, D, _, A, V, T).", "rules"),
    ("event (E, D, _, A, V, T).", "rules"),
    ("actor(A, N, K).", "rules"),
    ("events(X).", "rules"),
    ("p(X) :- q(X).", "rules"),
])
def test_classify(text, kind):
    assert classify(text) == kind
    assert is_event_statement(text) == (kind == "events")


def test_split_script():
    script = [
        "// a comment\n",
        "?- p(X),\n",
        "   q(X).\n",
        "\n",
        "event x 2025-10-22 USA criticize RUS\n",
        "    cite s1 \"a.\"\n",
        "  \n",
        "actor Y \"Y\"\n",
        ":relations\n",
        "p(X) :- q(X)\n",
        ":help\n",
        "r(1). r(2).\n",
        "last(1)",
    ]
    assert list(split_script(script)) == [
        (1, "// a comment\n"),
        (2, "?- p(X),\n   q(X).\n"),
        (5, "event x 2025-10-22 USA criticize RUS\n    cite s1 \"a.\"\n"),
        (8, "actor Y \"Y\"\n"),
        (9, ":relations\n"),
        (10, "p(X) :- q(X)\n"),  # a command ends an unfinished statement
        (11, ":help\n"),
        (12, "r(1). r(2).\n"),
        (13, "last(1)\n"),  # unfinished at the end: still run, so that its error is shown
    ]


def test_event_statement_ends_at_next_unindented_line():
    script = ["event x 2025-10-22 USA criticize RUS\n", "?- p(X).\n"]
    assert [text for _, text in split_script(script)] == [
        "event x 2025-10-22 USA criticize RUS\n", "?- p(X).\n"]


@pytest.mark.parametrize("text", [
    "p(X) :- q(X, \"a.b\"), X > 2.5. // done",
    ":facts event 10",
    "event x 2025-10 USA meet RUS # note\n    cite s1 \"q\"",
    "/* open",
    "p('x')",
])
def test_tokens_give_the_text_back(text):
    assert "".join(t.text for t in tokenize(text)) == text


def test_token_kinds():
    kinds = {t.text: t.kind for t in tokenize('?- event(E, 2025-10-22, "x.", 1.5), !p(_). // c')}
    assert kinds["?-"] == "operator"
    assert kinds["event"] == "name"
    assert kinds["E"] == "variable"
    assert kinds["2025-10-22"] == "date"
    assert kinds['"x."'] == "string"
    assert kinds["1.5"] == "number"
    assert kinds["."] == "end"
    assert kinds["// c"] == "comment"
    event = {t.text: t.kind for t in tokenize("event x 2025-10-22 USA criticize RUS status planned")}
    assert event["event"] == event["status"] == "keyword"
    assert event["USA"] == "name"
