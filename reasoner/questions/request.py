"""What `:ask` / `reasoner ask` was given: a question by name and its arguments
(`blockers USA RUS as of 2025-08-09`), or free words matched to one (`who blocks talks between
Washington and Moscow`). Every error is a diagnostic at its place in the input."""

from __future__ import annotations

import re

import attrs

from reasoner.engine import Engine
from reasoner.errors import error
from reasoner.questions.asking import Argument, bind
from reasoner.questions.catalogue import Catalogue, Question, QuestionError
from reasoner.questions.matching import match
from reasoner.source import SourceText, Span
from reasoner.suggest import STRICT, did_you_mean

TOKEN = re.compile(r'"[^"]*"|\S+')
# Words that make `NAME ...` a sentence (`trend of Russia and Ukraine`), not arguments.
FILLERS = frozenset(("of", "between", "and", "with", "for", "in", "on", "the", "from", "to", "by", "towards"))


@attrs.frozen
class Request:
    question: Question
    values: dict[str, object]
    shown: str  # the question as it would be asked by name: `blockers USA RUS`
    matched: bool = False  # read from free words
    candidates: tuple[str, ...] = ()  # other questions the words could ask equally well


def tokens(source: SourceText) -> list[Argument]:
    found = []
    for m in TOKEN.finditer(source.text):
        text = m.group(0)
        found.append(Argument(text[1:-1] if text.startswith('"') else text, Span.of_offsets(source, m.start(), m.end())))
    return found


def parse_request(engine: Engine, catalogue: Catalogue, text: str, name: str = "<ask>") -> Request:
    source = SourceText(name, text)
    words = tokens(source)
    if not words:
        raise QuestionError(error("`ask` needs a question: a name and its arguments, or words",
                                  None, "`:questions` lists the questions"))
    if not catalogue.questions:
        raise QuestionError(error("no questions are declared in this session", None,
                                  "the catalogue is rules/questions.dl: load it (or `rules`)"))
    first = words[0]
    if first.text in catalogue.broken:
        raise QuestionError(error(f"question `{first.text}` is malformed and cannot be asked (its errors are "
                                  "reported by `:questions`)", first.span))
    question = catalogue.questions.get(first.text)
    if question is not None:
        rest = words[1:]
        as_of = None
        for index in range(len(rest) - 2):
            if rest[index].text.lower() == "as" and rest[index + 1].text.lower() == "of":
                as_of = rest[index + 2]
                rest = rest[:index] + rest[index + 3:]
                break
        try:
            values = bind(engine, question, rest, as_of, first.span)
        except QuestionError:
            if not any(a.text.lower() in FILLERS for a in rest):
                raise
            best, ties = match(engine, catalogue.questions, source, verb_words=catalogue.verb_words)  # `trend of Russia and Ukraine`
            values = bind(engine, best.question, list(best.arguments), best.as_of, first.span)
            return Request(best.question, values, best.shown(), matched=True,
                           candidates=tuple(m.shown() for m in ties))
        shown = " ".join([question.name, *(a.text for a in rest)] + (["as of", as_of.text] if as_of else []))
        return Request(question, values, shown)
    try:
        best, ties = match(engine, catalogue.questions, source, verb_words=catalogue.verb_words)
    except QuestionError:
        if len(words) == 1 or first.text.lower() not in _ordinary_words():
            near = did_you_mean(first.text, catalogue.questions, cutoff=STRICT)
            if near:
                raise QuestionError(error(f"no question `{first.text}`; {near}", first.span,
                                          "`:questions` lists the questions")) from None
        raise
    values = bind(engine, best.question, list(best.arguments), best.as_of, first.span)
    return Request(best.question, values, best.shown(), matched=True,
                   candidates=tuple(m.shown() for m in ties))


def _ordinary_words() -> set[str]:
    return {"who", "what", "which", "when", "is", "are", "did", "does", "how", "where", "show", "list"}
