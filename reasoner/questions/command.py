"""The `reasoner ask` and `reasoner brief` commands (added to the CLI by `add_commands`)."""

from __future__ import annotations

import argparse
import sys

from reasoner.cli import session_engine
from reasoner.errors import CLI_HINTS, ReasonerError


def add_commands(commands, add_limit_options) -> None:
    """The two commands; their input and limit options are the CLI's `add_input_options`."""
    from reasoner.cli import add_input_options

    ask = commands.add_parser(
        "ask", help="answer a catalogued question in plain words (status 0: answers, 1: none, 2: error)",
        description="Ask a question of the catalogue (rules/questions.dl) on the shipped rules and "
                    "corpus plus --load FILES: by name (`reasoner ask blockers USA RUS as of "
                    "2025-08-09`) or in words (`reasoner ask who blocks talks between Washington "
                    "and Moscow`). `reasoner ask --list` lists the questions. Exit status: 0 with "
                    "answers, 1 without, 2 on an error.")
    ask.add_argument("words", nargs="*", metavar="NAME ARGS... | WORDS")
    ask.add_argument("--list", action="store_true", help="list the catalogue of questions")
    ask.add_argument("--format", choices=["table", "csv", "json"], default="table",
                     help="table: sentences with their evidence; csv / json: the structured rows")
    add_input_options(ask, "the report date (as `as of DATE`)")
    ask.set_defaults(handler=_ask)

    brief = commands.add_parser(
        "brief", help="one screen on a dyad: escalation, preconditions, deadlines, threats, contradictions, trend",
        description="The brief of two actors (ids, aliases or names) as of --as-of (default: the "
                    "latest date in the data): each section a catalogued question (brief_section, "
                    "rules/questions.dl), each line with its evidence.")
    brief.add_argument("actors", nargs=2, metavar="ACTOR")
    brief.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_input_options(brief, "the report date (as `as of DATE`)")
    brief.set_defaults(handler=_brief)


def _session(args: argparse.Namespace):
    """The engine of the command line and its question catalogue; the catalogue's problems
    (malformed questions, left out) printed on stderr."""
    from reasoner.questions.catalogue import read_catalogue

    engine = session_engine(args)
    catalogue = read_catalogue(engine)
    for problem in catalogue.problems:
        print(problem.render(CLI_HINTS), file=sys.stderr)
    return engine, catalogue


def _ask(args: argparse.Namespace) -> int:
    from reasoner.questions.answers import render_answers
    from reasoner.questions.asking import ask
    from reasoner.questions.request import parse_request
    from reasoner.questions.words import Words
    from reasoner.render import render

    try:
        engine, catalogue = _session(args)
        if args.list:
            rows: list[dict[str, object]] = [{"question": q.usage(), "asks": q.description}
                                             for q in catalogue.questions.values()]
            print(render(sorted(rows, key=lambda r: str(r["question"])), ["question", "asks"], args.format, width=None))
            return 0
        text = " ".join(_quoted(w) for w in args.words)
        if args.as_of:
            text += f" as of {args.as_of}"
        request = parse_request(engine, catalogue, text, "<ask>")
        if request.matched:
            print(f"(question: {request.shown})", file=sys.stderr)
            if request.candidates:
                print("(the words also match: " + "; ".join(request.candidates) + ")", file=sys.stderr)
        answers = ask(engine, request.question, request.values)
        print(render_answers(request.question, request.values, answers, Words(engine), args.format, footer=False))
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 2
    return 0 if answers else 1


def _quoted(word: str) -> str:
    return f'"{word}"' if " " in word else word


def _brief(args: argparse.Namespace) -> int:
    from reasoner.questions.asking import Argument
    from reasoner.questions.brief import brief, render_brief
    from reasoner.questions.words import Words

    try:
        engine, catalogue = _session(args)
        as_of = Argument(args.as_of) if args.as_of else None
        a, b, day, parts = brief(engine, catalogue, Argument(args.actors[0]), Argument(args.actors[1]), as_of)
        print(render_brief(a, b, day, parts, Words(engine), args.format, footer=False))
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 2
    return 0
