"""The keyword table (reasoner/events/keywords.py) and the grammar (grammar/events.lark) agree:
the same reserved words, the same statements, the same clause keywords, both ways. The readers
of the table (the fast reader, the lark transformer, the REPL) cover every entry."""

from __future__ import annotations

import re

import pytest
from lark import Lark

from reasoner.events import keywords, reader
from reasoner.events.build import TreeToClauses
from reasoner.events.framing import STATUSES
from reasoner.events.keywords import (
    CLAUSE_KEYWORDS, INNER_KEYWORDS, KEYWORDS, STATEMENT_KEYWORDS, STATEMENTS,
)
from reasoner.repl.completer import Vocabulary, suggest
from reasoner.repl.inputs import classify
from reasoner.repl.lexer import tokenize
from reasoner.resources import grammar_text

_WORD = re.compile(r"[^\W\d]\w*")


def grammar_words(text: str) -> tuple[set[str], dict[str, str], set[str]]:
    """(every keyword, statement rule -> its keyword, the keywords that start a clause) of a
    grammar text, read with lark."""
    grammar = Lark(text, parser="lalr", lexer="contextual")
    literal = {t.name: t.pattern.value for t in grammar.terminals
               if t.pattern.type == "str" and _WORD.fullmatch(t.pattern.value)}
    statements: dict[str, str] = {}
    clauses: set[str] = set()
    for rule in grammar.rules:
        names = [symbol.name for symbol in rule.expansion]
        if rule.origin.name.endswith("_stmt"):
            statements[rule.origin.name] = literal[names[1]]  # after _BOL
        elif rule.origin.name == "clause" and names[0] in literal:
            clauses.add(literal[names[0]])
    return set(literal.values()), statements, clauses


def test_the_grammar_and_the_table_name_the_same_keywords() -> None:
    words, statements, clauses = grammar_words(grammar_text("events.lark"))
    assert sorted(words - KEYWORDS) == [] and sorted(KEYWORDS - words) == []
    assert statements == {f"{k}_stmt": k for k in STATEMENT_KEYWORDS}
    assert sorted(clauses) == sorted(CLAUSE_KEYWORDS)
    assert sorted(words - set(STATEMENT_KEYWORDS) - clauses) == sorted(INNER_KEYWORDS)


def test_a_keyword_added_to_the_grammar_alone_is_noticed() -> None:
    text = grammar_text("events.lark").replace(
        '| "because_of" NAME ("," NAME)*', '| "because_of" NAME ("," NAME)*\n       | "quoting" NAME')
    words, _, clauses = grammar_words(text)
    assert words - KEYWORDS == {"quoting"} and clauses - set(CLAUSE_KEYWORDS) == {"quoting"}


def test_every_clause_a_statement_takes_is_a_clause_keyword_and_every_one_is_taken() -> None:
    taken = set().union(*(kind.clauses for kind in STATEMENTS.values()))
    assert sorted(taken - set(CLAUSE_KEYWORDS) - {"="}) == []
    assert sorted(set(CLAUSE_KEYWORDS) - taken) == []
    assert all(kind.shape.startswith(kind.keyword + " ") for kind in STATEMENTS.values())
    dated = [k for k, kind in STATEMENTS.items() if "a date" in kind.head[1:2]]
    assert list(keywords.DATED) == dated


def test_both_parsers_read_every_statement_and_clause_of_the_table() -> None:
    assert set(reader._HEADS) == set(STATEMENT_KEYWORDS)
    assert set(reader._CLAUSES) == set(CLAUSE_KEYWORDS)
    assert all(hasattr(TreeToClauses, f"{k}_stmt") for k in STATEMENT_KEYWORDS)


@pytest.mark.parametrize("keyword", STATEMENT_KEYWORDS)
def test_the_repl_reads_every_statement_keyword(keyword: str) -> None:
    text = f"{keyword} x1 2025-01-01 A to B"
    assert classify(text) == "events"
    assert classify(f"{keyword}(X).") == "rules"
    assert tokenize(text)[0] == ("keyword", keyword, 0)
    completed = suggest(keyword[:-1], Vocabulary())
    assert (keyword, "statement") in completed.candidates


def test_the_repl_colours_and_completes_clause_keywords() -> None:
    text = "threat t1 2025-01-01 A to B if B attack A then A sanction B per outlet mode likely"
    kinds = {token.text: token.kind for token in tokenize(text)}
    assert [w for w in ("threat", "to", "if", "then", "per", "outlet", "mode") if kinds[w] != "keyword"] == []
    assert kinds["likely"] == kinds["attack"] == "name"
    assert ("because_of", "clause") in suggest("event e 2025-01-01 A meet B bec", Vocabulary()).candidates


def test_the_repl_completes_the_words_of_mode_and_status() -> None:
    statement = "event e 2025-01-01 A meet B"
    assert suggest(f"{statement} mode li", Vocabulary()).candidates == (("likely", "mode"),)
    assert suggest(f"{statement}\n    status pla", Vocabulary()).candidates == (("planned", "status"),)
    assert [w for w, _ in suggest(f"{statement} status ", Vocabulary()).candidates] == sorted(STATUSES)
