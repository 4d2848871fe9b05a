"""The dyad brief: the sections `brief_section` declares (rules/questions.dl), each a catalogued
question asked for two actors and an as-of date, on one screen, answers numbered throughout (so
`:why N` explains any line)."""

from __future__ import annotations

import datetime

import attrs

from reasoner.engine import Engine
from reasoner.errors import error
from reasoner.questions.answers import empty_text, numbered, structured
from reasoner.questions.asking import Answer, Argument, ask, bind, current_as_of, judged_as_of
from reasoner.questions.catalogue import Catalogue, Param, Question, QuestionError
from reasoner.questions.words import Words, day_words
from reasoner.source import Span


@attrs.frozen
class Part:
    title: str
    question: Question
    values: dict[str, object]
    answers: tuple[Answer, ...]


def brief(engine: Engine, catalogue: Catalogue, a: Argument, b: Argument,
          as_of: Argument | None = None) -> tuple[str, str, datetime.date | None, list[Part]]:
    """The brief's two actors (ids), its date and its parts."""
    if not catalogue.sections:
        raise QuestionError(error("no brief sections are declared (brief_section facts, rules/questions.dl)"))
    check = Question("brief", "", (Param("A", "actor"), Param("B", "actor"), Param("AsOf", "as_of", True)),
                     catalogue.questions[catalogue.sections[0].question].goal, ("",))
    values = bind(engine, check, [a, b], as_of)
    day = values.get("AsOf") or current_as_of(engine)
    fill = {"A": str(values["A"]), "B": str(values["B"]), "AsOf": day.isoformat() if isinstance(day, datetime.date) else ""}
    parts = []
    # Every section judged as of the brief's date: acts, threats and claims known by then.
    days = (day,) if isinstance(day, datetime.date) and day != current_as_of(engine) else ()
    with judged_as_of(engine, days):
        for section in catalogue.sections:
            question = catalogue.questions[section.question]
            texts = [fill.get(word[1:-1], word) if word.startswith("{") and word.endswith("}") else word
                     for word in section.arguments.split()]
            arguments = [Argument(text) for text in texts if text]
            section_values = bind(engine, question, arguments)
            answers = tuple(attrs.evolve(a, as_of=tuple(sorted({*a.as_of, *days})))
                            for a in ask(engine, question, section_values))
            parts.append(Part(section.title, question, section_values, answers))
    return str(values["A"]), str(values["B"]), day if isinstance(day, datetime.date) else None, parts


def render_brief(a: str, b: str, day: datetime.date | None, parts: list[Part], words: Words,
                 fmt: str = "table", footer: bool = True) -> str:
    if fmt in ("json", "csv"):
        import json

        from reasoner.render import render

        rows: list[dict[str, object]] = []
        for part in parts:
            for row in structured(part.question, list(part.answers), words, first=len(rows) + 1):
                rows.append({"section": part.title, "n": row["n"], "question": row["question"],
                             "answer": row["answer"], "evidence": row["evidence"]})
        if fmt == "json":
            return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
        for row in rows:
            quotes: list[dict[str, str]] = row["evidence"]  # type: ignore[assignment]
            row["evidence"] = " | ".join(f"{q['source']}: {q['quote']}" for q in quotes)
        return render(rows, ["section", "n", "question", "answer", "evidence"], "csv")
    when = f", as of {day_words(day)}" if day else ""
    lines = [f"Brief: {words.actor(a)} and {words.actor(b)}{when}"]
    number = 1
    for part in parts:
        lines.append(f"== {part.title}")
        if part.answers:
            lines += numbered(part.question, list(part.answers), words, number, indent="  ")
            number += len(part.answers)
        else:
            lines.append("  " + empty_text(part.question, part.values, words))
    if footer:
        lines.append("(`:why N` shows the proof of line N)")
    return "\n".join(lines)


def all_answers(parts: list[Part]) -> list[Answer]:
    return [answer for part in parts for answer in part.answers]


__all__ = ["Part", "Span", "all_answers", "brief", "render_brief"]
