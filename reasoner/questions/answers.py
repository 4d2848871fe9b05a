"""Printing the answers of a question: numbered sentences with their evidence (table format), or
the structured rows for scripts (csv: one row per answer; json: the rows with their evidence)."""

from __future__ import annotations

import json

from reasoner import ast
from reasoner.questions.asking import Answer
from reasoner.questions.catalogue import Question
from reasoner.questions.words import Words, template_order
from reasoner.render import render


def columns(question: Question) -> list[str]:
    names = [p.name for p in question.params]
    return names + [n for n in ast.query_variables(question.goal) if n not in names]


def sentences(question: Question, answer: Answer, words: Words) -> list[str]:
    return [words.sentence(template, answer.values) for template in question.answers]


def empty_text(question: Question, values: dict[str, object], words: Words) -> str:
    if not question.empty:
        return "No answers."
    shown = {p.name: values.get(p.name, "any") for p in question.params}
    return words.sentence(question.empty, shown)


def numbered(question: Question, answers: list[Answer], words: Words, first: int = 1,
             indent: str = "") -> list[str]:
    """`1. sentence` and under it the quotes, one a line."""
    lines = []
    order = [name for template in question.answers for name in template_order(template)]
    for number, answer in enumerate(answers, start=first):
        label = f"{number}. "
        for index, sentence in enumerate(sentences(question, answer, words)):
            lines.append(f"{indent}{label if index == 0 else ' ' * len(label)}{sentence}")
        for quote in words.quoted(answer.values, order):
            lines.append(f"{indent}{' ' * len(label)}{quote.line()}")
    return lines


def structured(question: Question, answers: list[Answer], words: Words, first: int = 1) -> list[dict[str, object]]:
    rows = []
    order = [name for template in question.answers for name in template_order(template)]
    for number, answer in enumerate(answers, start=first):
        row: dict[str, object] = {"n": number, "question": question.name}
        row.update({name: answer.values.get(name, "") for name in columns(question)})
        row["answer"] = " ".join(sentences(question, answer, words))
        row["evidence"] = [quote.as_dict() for quote in words.quoted(answer.values, order)]
        rows.append(row)
    return rows


def render_answers(question: Question, values: dict[str, object], answers: list[Answer], words: Words,
                   fmt: str = "table", footer: bool = True) -> str:
    """The answers in `fmt`; tables end with a count and the `:why N` hint when `footer`."""
    if fmt == "json":
        return json.dumps(structured(question, answers, words), ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        rows = structured(question, answers, words)
        for row in rows:
            quotes: list[dict[str, str]] = row["evidence"]  # type: ignore[assignment]
            row["evidence"] = " | ".join(f"{q['source']}: {q['quote']}" for q in quotes)
        return render(rows, ["n", "question", *columns(question), "answer", "evidence"], "csv")
    if not answers:
        return empty_text(question, values, words)
    lines = numbered(question, answers, words)
    if not footer:
        return "\n".join(lines)
    count = f"{len(answers)} answer{'s' if len(answers) != 1 else ''}"
    lines.append(f"({count}; `:why N` shows the proof of answer N)")
    return "\n".join(lines)
