"""Free words matched to a catalogued question and its arguments.

    who blocks talks between Washington and Moscow   -> blockers USA RUS
    deadlines as of 2025-08-09                       -> deadlines 2025-08-09

The words are read left to right: actors (ids, aliases and display names, the longest name
first: "White House", "United States"), days (YYYY-MM-DD; after "as of", the as-of date) and the
other words. Each question scores one point per keyword among the words (its name counts
too), and must be able to take the actors and days found: its actor parameters in order, its
date parameters in order (an `as of` day to its as_of parameter). The best score wins; a tie is
ambiguous, and the candidates are listed.
"""

from __future__ import annotations

import datetime
import re

import attrs

from reasoner.engine import Engine
from reasoner.errors import error
from reasoner.questions.asking import Argument, actors, close_actor
from reasoner.questions.catalogue import Question, QuestionError
from reasoner.source import SourceText, Span
from reasoner.suggest import STRICT

WORD = re.compile(r"\d{4}-\d{2}-\d{2}|[\w-]+(?:'s)?")
MAX_NAME_WORDS = 4


@attrs.frozen
class Reading:
    """What free words say: actors, days, an as-of day and the other words."""

    actors: tuple[Argument, ...]
    days: tuple[Argument, ...]
    as_of: Argument | None
    words: tuple[str, ...]  # lower case, actors and days taken out
    unknown: tuple[Argument, ...]  # capitalised words that are no actor
    verbs: tuple[Argument, ...] = ()  # verbs of the vocabulary, or words standing for one


@attrs.frozen
class Match:
    question: Question
    score: int
    arguments: tuple[Argument, ...]
    as_of: Argument | None

    def shown(self) -> str:
        args = [a.text for a in self.arguments]
        if self.as_of is not None:
            args += ["as of", self.as_of.text]
        return " ".join((self.question.name, *args))


def read(engine: Engine, source: SourceText, offset: int = 0,
         verb_words: dict[str, str] | None = None) -> Reading:
    text = source.text
    tokens = [(m.group(0), m.start(), m.end()) for m in WORD.finditer(text, offset)]
    names = actors(engine)
    found_actors: list[Argument] = []
    days: list[Argument] = []
    words: list[str] = []
    unknown: list[Argument] = []
    as_of: Argument | None = None
    verbs: list[Argument] = []
    vocabulary = {row[0] for row in engine.relation("verb")} if engine.relations().get("verb") == 5 else set()
    index = 0
    while index < len(tokens):
        word, start, end = tokens[index]
        span = Span.of_offsets(source, start, end)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            argument = Argument(word, span)
            if len(words) >= 2 and words[-2:] == ["as", "of"]:
                words = words[:-2]
                as_of = argument
            else:
                days.append(argument)
            index += 1
            continue
        for size in range(min(MAX_NAME_WORDS, len(tokens) - index), 0, -1):
            phrase = " ".join(t[0] for t in tokens[index:index + size]).lower()
            phrase = phrase.removesuffix("'s")
            if phrase in names and not (size == 1 and phrase in ("a", "an", "the")):
                last_end = tokens[index + size - 1][2]
                found_actors.append(Argument(names[phrase], Span.of_offsets(source, start, last_end)))
                index += size
                break
        else:
            lower = word.lower().removesuffix("'s")
            if word[:1].isupper() and index > 0 and close_actor(engine, word, STRICT):
                unknown.append(Argument(word, span))
            if lower in vocabulary:
                verbs.append(Argument(lower, span))
            elif verb_words and lower in verb_words:
                verbs.append(Argument(verb_words[lower], span))
            words.append(lower)
            index += 1
    return Reading(tuple(found_actors), tuple(days), as_of, tuple(words), tuple(unknown), tuple(verbs))


def _fit(question: Question, reading: Reading) -> Match | None:
    """The question with the reading's actors and days as its arguments, if it takes them."""
    params = list(question.params)
    as_of = reading.as_of
    if as_of is not None and not any(p.kind == "as_of" for p in params):
        return None
    if as_of is not None:
        params = [p for p in params if p is not next(p for p in params if p.kind == "as_of")]
    actors_left = list(reading.actors)
    days_left = list(reading.days)
    verbs_left = list(reading.verbs)  # a verb no parameter takes is just a word
    arguments: list[Argument] = []
    for param in params:
        pool = (actors_left if param.kind == "actor" else days_left if param.kind in ("date", "as_of")
                else verbs_left if param.kind == "verb" else None)
        if pool:
            arguments.append(pool.pop(0))
            continue
        if param.optional or param.default is not None:
            if any(p.kind == "actor" for p in params[len(arguments) + 1:]) and actors_left \
                    or any(p.kind in ("date", "as_of") for p in params[len(arguments) + 1:]) and days_left:
                # a later parameter wants what is left: this one is skipped only at the end
                return None
            break
        return None
    if actors_left or days_left:
        return None
    score = sum(1 for word in reading.words if word in question.keywords)
    score += 2 * sum(1 for word in reading.words if word == question.name)
    return Match(question, score, tuple(arguments), as_of)


def match(engine: Engine, questions: dict[str, Question], source: SourceText, offset: int = 0,
          verb_words: dict[str, str] | None = None) -> tuple[Match, list[Match]]:
    """The question the words ask (and the other candidates of its score when ambiguous: the
    list is then not empty). Raises QuestionError when no question fits."""
    reading = read(engine, source, offset, verb_words)
    if reading.unknown and not reading.actors:
        word = reading.unknown[0]
        near = close_actor(engine, word.text, STRICT)
        raise QuestionError(error(f"no actor `{word.text}`; did you mean `{near}`?", word.span))
    fits = [m for m in (_fit(q, reading) for q in questions.values()) if m is not None and m.score > 0]
    if not fits:
        span = Span.of_offsets(source, offset, len(source.text)) if source.text[offset:].strip() else None
        if reading.unknown:
            word = reading.unknown[0]
            near = close_actor(engine, word.text, STRICT)
            raise QuestionError(error(f"no actor `{word.text}`; did you mean `{near}`?", word.span))
        pointed = _by_keywords(questions, reading)
        if pointed:
            takes = "; ".join(f"`{q.usage()}`" for q in pointed[:3])
            raise QuestionError(error(f"the words point to {takes}, but they name "
                                      f"{_found(reading)}", span,
                                      "ask it by name with its arguments: `:ask NAME ARGS...`"))
        raise QuestionError(error("no question of the catalogue matches these words", span,
                                  "`:questions` lists the questions; ask one by name: `:ask NAME ARGS...`"))
    fits.sort(key=lambda m: (-m.score, m.question.name))
    best = fits[0]
    ties = [m for m in fits[1:] if m.score == best.score]
    return best, ties


def _by_keywords(questions: dict[str, Question], reading: Reading) -> list[Question]:
    """The questions whose keywords the words use, best first (whatever arguments they take)."""
    scored = [(sum(1 for w in reading.words if w in q.keywords or w == q.name), q) for q in questions.values()]
    return [q for score, q in sorted(scored, key=lambda s: (-s[0], s[1].name)) if score > 0]


def _found(reading: Reading) -> str:
    """`2 actors and 1 day`, `no actor or day`: what the words name."""
    parts = []
    if reading.actors:
        parts.append(f"{len(reading.actors)} actor{'s' if len(reading.actors) != 1 else ''}")
    days = len(reading.days) + (reading.as_of is not None)
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    return " and ".join(parts) if parts else "no actor or day"


def looks_like_day(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False
