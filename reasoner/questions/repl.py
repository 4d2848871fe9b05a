"""The REPL commands `:ask`, `:questions` and `:brief` (the group `COMMANDS`, which a session's
command table includes: `reasoner.repl.table`), and `:why N` for answer N of the last `:ask` or
`:brief`."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from reasoner.explain.render import proof_json, proof_text
from reasoner.questions.answers import render_answers
from reasoner.questions.asking import Argument, judged_as_of
from reasoner.questions.brief import all_answers, brief, render_brief
from reasoner.questions.catalogue import Catalogue, QuestionError, read_catalogue
from reasoner.questions.request import parse_request, tokens
from reasoner.engine import Engine
from reasoner.questions.words import Words
from reasoner.repl.registry import CommandGroup
from reasoner.repl.session import CommandError, Session
from reasoner.source import SourceText


COMMANDS = CommandGroup()
command = COMMANDS.command

_REPORTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # session -> problems shown


def catalogue(session: Session, again: bool = False) -> Catalogue:
    """The session's catalogue; its malformed questions (left out) reported: by `:questions`
    always, by `:ask` and `:brief` the first time."""
    found = read_catalogue(session.engine)
    shown = _REPORTED.setdefault(session, set())
    for problem in found.problems:
        text = problem.render()
        if again or text not in shown:
            session.say(text)
            shown.add(text)
    return found


@command("questions", "", "the catalogue of named questions `:ask` answers",
         "The questions are declared in rule files (rules/questions.dl; add your own the same\n"
         "way, see its head comment): a name, its parameters, a goal and a sentence per answer.")
def _questions(session: Session, args: list[str]) -> None:
    if args:
        raise CommandError("`:questions` takes no arguments")
    found = catalogue(session, again=True)
    if not found.questions:
        session.say("no questions are declared in this session; the catalogue is rules/questions.dl "
                    "(load it, or `rules`)")
        return
    rows: list[dict[str, object]] = [{"question": q.usage(), "asks": q.description}
                                     for q in found.questions.values()]
    rows.sort(key=lambda row: str(row["question"]))
    session.show(rows, ["question", "asks"], limit=len(rows), width=None)


@command("ask", "NAME ARGS...|WORDS",
         "answer a catalogued question, by name (`:ask blockers USA RUS`) or in words",
         "Answers are sentences with dates, actors by name and the quotes they rest on;\n"
         "`:why N` prints the proof of answer N. Arguments: actors by id, alias or name, days as\n"
         "YYYY-MM-DD, `as of DAY` for the report date. Free words are matched to a question by its\n"
         "keywords and the actors and days they name; the question matched is shown, and others\n"
         "that match as well are listed. `:questions` lists the catalogue; with `:format csv` or\n"
         "`json` the answers print as rows.",
         arguments=("question", "actor"), raw=True)
def _ask(session: Session, args: list[str]) -> None:
    found = catalogue(session)
    text = args[0] if args else ""
    request = parse_request(session.engine, found, text, session.next_name().replace("input", "ask"))
    if request.matched:
        session.say(f"(question: {request.shown})")
        if request.candidates:
            session.say("(the words also match: " + "; ".join(request.candidates)
                        + " — ask one of them by name to choose)")
    answers = _answers(session, request.question, request.values)
    words = Words(session.engine, session.statements.get(session.engine))
    session.say(render_answers(request.question, request.values, answers, words, session.format))
    session.last_answers = answers if answers else None


def _answers(session: Session, question, values):
    from reasoner.questions.asking import ask

    return ask(session.engine, question, values)


@command("brief", "A B [as of DAY]",
         "one screen on a dyad: escalation, preconditions, deadlines, threats, claims, trend",
         "Each section is a catalogued question (brief_section facts, rules/questions.dl); each\n"
         "line is numbered and carries its evidence; `:why N` prints the proof of line N.",
         arguments=("actor", "actor"), raw=True)
def _brief(session: Session, args: list[str]) -> None:
    found = catalogue(session)
    source = SourceText(session.next_name().replace("input", "brief"), args[0] if args else "")
    words = tokens(source)
    as_of = None
    if len(words) >= 3 and words[-3].text.lower() == "as" and words[-2].text.lower() == "of":
        as_of = words[-1]
        words = words[:-3]
    if len(words) != 2:
        raise CommandError("`:brief` needs two actors, and optionally `as of DAY`: `:brief USA RUS as of 2025-08-09`")
    a, b, day, parts = brief(session.engine, found, words[0], words[1], as_of)
    session.say(render_brief(a, b, day, parts, Words(session.engine, session.statements.get(session.engine)), session.format))
    answers = all_answers(parts)
    session.last_answers = answers if answers else None


@contextmanager
def refusing_malformed_questions(engine: Engine) -> Iterator[None]:
    """Around a `:load`: if what was loaded declares a malformed question (one the catalogue
    reports that it did not before), the engine goes back to how it was and the errors are
    raised, so the session is unchanged."""
    before = {problem.render() for problem in read_catalogue(engine).problems}
    saved = engine.snapshot()
    yield
    new = [problem for problem in read_catalogue(engine).problems if problem.render() not in before]
    if new:
        engine.restore(saved)
        raise QuestionError(new)


def explain_answer(session: Session, number: int) -> None:
    """`:why N` after `:ask` or `:brief`: the proof of answer N's fact."""
    answers = session.last_answers or []
    if not 1 <= number <= len(answers):
        raise CommandError(f"the last answers are numbered 1 to {len(answers)}, not {number}")
    answer = answers[number - 1]
    if answer.fact is None:
        raise CommandError(f"answer {number} rests on input facts alone: nothing to prove")
    with judged_as_of(session.engine, answer.as_of):
        proof = session.engine.explain(answer.fact, depth=session.depth)
    session.last_proof = proof
    session.last_answers = None
    session.say(proof_json(proof) if session.format == "json" else proof_text(proof))


__all__ = ["Argument", "QuestionError", "explain_answer"]
