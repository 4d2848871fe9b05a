"""Tab completion: "what could go here?" as a pure function of the text and a `Vocabulary`.

`suggest(text_before_cursor, vocabulary)` returns the word being completed and the candidates;
`Completer` adapts it to prompt_toolkit, reading the vocabulary through a function it is
handed (no globals: the session decides what is known).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable

import attrs

from reasoner.events.keywords import CLAUSE_KEYWORDS, INNER_KEYWORDS, SLOT_WORDS, STATEMENT_KEYWORDS
from reasoner.repl.inputs import classify
from reasoner.repl.lexer import FUNCTORS, tokenize


@attrs.frozen
class Vocabulary:
    """Names the session knows, each with a short description shown beside it."""

    commands: dict[str, str] = attrs.field(factory=dict)  # name (no colon) -> summary
    command_arguments: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    relations: dict[str, str] = attrs.field(factory=dict)  # name -> "name/arity"
    actors: dict[str, str] = attrs.field(factory=dict)  # id -> display name
    events: dict[str, str] = attrs.field(factory=dict)  # id -> "date actor verb target"
    verbs: dict[str, str] = attrs.field(factory=dict)  # verb -> "goldstein ..."
    # alias -> "alias of ID": where actors are resolved (command arguments, event statements),
    # not in rule text, whose facts hold the ids
    aliases: dict[str, str] = attrs.field(factory=dict)
    questions: dict[str, str] = attrs.field(factory=dict)  # `:ask` question name -> description

    @property
    def actor_names(self) -> dict[str, str]:
        return {**self.aliases, **self.actors}


@attrs.frozen
class Suggestion:
    word: str  # the text before the cursor that the candidates replace
    candidates: tuple[tuple[str, str], ...]  # (text, description), sorted


_WORD = re.compile(r"[A-Za-z0-9_?.\-]*$")


def suggest(text: str, vocabulary: Vocabulary) -> Suggestion:
    """What could complete `text` (everything before the cursor)."""
    kind = classify(text) if text.strip() else "rules"
    if kind == "command":
        return _command(text.lstrip(), vocabulary)
    if kind == "events":
        return _event(text, vocabulary)
    return _rules(text, vocabulary)


def _matching(word: str, names: dict[str, str], prefix: str = "", suffix: str = "") -> list[tuple[str, str]]:
    return [(prefix + name + suffix, about) for name, about in names.items() if name.startswith(word)]


def _result(word: str, candidates: list[tuple[str, str]]) -> Suggestion:
    unique: dict[str, str] = {}
    for text, about in candidates:
        unique.setdefault(text, about)
    return Suggestion(word, tuple(sorted(unique.items())))


def _command(text: str, vocabulary: Vocabulary) -> Suggestion:
    parts = text.split(" ")
    if len(parts) == 1:
        return _result(parts[0], _matching(parts[0][1:], vocabulary.commands, prefix=":"))
    name = parts[0][1:]
    kinds = vocabulary.command_arguments.get(name, ())
    if kinds == ("fact",):  # a fact in rule text: relation names first, then values
        return _fact(text[len(parts[0]) + 1:], vocabulary)
    word = parts[-1]
    position = len([p for p in parts[1:-1] if p])
    what = kinds[min(position, len(kinds) - 1)] if kinds else ""
    if what == "command":
        return _result(word, _matching(word.lstrip(":"), vocabulary.commands))
    if what == "relation":
        return _result(word, _matching(word, vocabulary.relations))
    if what == "actor":
        return _result(word, _matching(word, vocabulary.actor_names))
    if what == "question":  # `:ask NAME`, then actors
        return _result(word, _matching(word, vocabulary.questions))
    if what == "picture":  # `:plot timeline|dyad`, then actors and the picture's file
        if position == 0:
            return _result(word, _matching(word, {"timeline": "acts on a time axis", "dyad": "monthly trend"}))
        return _result(word, _matching(word, vocabulary.actor_names) + _files(word, (".svg", ".png")))
    if what == "format":
        return _result(word, _matching(word, {"table": "", "csv": "", "json": ""}))
    if what == "setting" and position == 0:
        return _result(word, _matching(word, SETTINGS))
    if what == "setting" and position == 1 and parts[1] == "ids":
        return _result(word, _matching(word, {"detail": "", "plain": ""}))
    if what == "file":
        return _result(word, _files(word))
    return _result(word, [])


SETTINGS = {"max_tuples": "derived tuples per evaluation", "time_budget": "seconds per evaluation",
            "depth": "levels of a proof `:why` prints",
            "ids": "statement ids with date, actor, verb (detail) or bare (plain)"}


def _fact(text: str, vocabulary: Vocabulary) -> Suggestion:
    """`:why` and `:whynot` take a fact: a relation name, then values (actor and event ids in
    strings), as in rule text, without functors or statement keywords."""
    if not text.strip():
        return _result("", _matching("", vocabulary.relations))
    suggestion = _rules(text, vocabulary)
    kept = [(t, a) for t, a in suggestion.candidates if a not in ("functor", "statement", "variable")]
    return Suggestion(suggestion.word, tuple(kept))


def _files(word: str, suffixes: tuple[str, ...] = (".dl", ".events", ".facts")) -> list[tuple[str, str]]:
    found = []
    for path in glob.glob(glob.escape(os.path.expanduser(word)) + "*"):
        if os.path.isdir(path):
            found.append((path + os.sep, "directory"))
        elif path.endswith(suffixes):
            found.append((path, ""))
    return found


def _event(text: str, vocabulary: Vocabulary) -> Suggestion:
    word = _WORD.search(text).group()  # type: ignore[union-attr]
    line = text.rsplit("\n", 1)[-1]
    if line == word:  # first word of a line: a statement keyword
        return _result(word, [(k, "statement") for k in STATEMENT_KEYWORDS if k.startswith(word)])
    before = line[:len(line) - len(word)].split()
    if before and before[-1] in SLOT_WORDS:  # `mode li`, `status pla`: the clause's words
        clause = before[-1]
        return _result(word, [(w, clause) for w in SLOT_WORDS[clause] if w.startswith(word)])
    candidates = (_matching(word, vocabulary.actor_names) + _matching(word, vocabulary.events)
                  + _matching(word, vocabulary.verbs)
                  + [(k, "clause") for k in (*CLAUSE_KEYWORDS, *INNER_KEYWORDS) if k.startswith(word)])
    return _result(word, candidates)


def _rules(text: str, vocabulary: Vocabulary) -> Suggestion:
    tokens = tokenize(text)
    last = tokens[-1] if tokens else None
    if last is not None and last.kind == "string" and not (len(last.text) > 1 and last.text.endswith('"')):
        word = last.text[1:]
        return _result(word, _matching(word, vocabulary.actors, suffix='"')
                       + _matching(word, vocabulary.events, suffix='"')
                       + _matching(word, vocabulary.verbs, suffix='"'))
    if last is None or last.kind not in ("name", "variable", "keyword"):
        return _result("", [])
    word = last.text
    if last.kind == "variable":
        used: dict[str, str] = {}
        for token in reversed(tokens[:-1]):  # the variables of the statement being typed
            if token.kind == "end":
                break
            if token.kind == "variable" and token.text != "_":
                used[token.text] = "variable"
        return _result(word, [(n, a) for n, a in used.items() if n.startswith(word) and n != word])
    candidates = _matching(word, vocabulary.relations)
    candidates += [(f, "functor") for f in FUNCTORS if f.startswith(word)]
    if "\n" not in text and word == text.lstrip():
        candidates += [(k, "statement") for k in STATEMENT_KEYWORDS if k.startswith(word)]
    return _result(word, candidates)


def vocabulary_of(engine, commands) -> Vocabulary:
    """What `engine` knows: its relations, and the ids of the relations `actor` (and the
    aliases of `alias`, for command arguments and event statements), `event` and `verb` when
    it has them. `commands` is the session's command table (`reasoner.repl.table`)."""
    relations = engine.relations()
    actors: dict[str, str] = {}
    events: dict[str, str] = {}
    verbs: dict[str, str] = {}
    if relations.get("actor", 0) >= 2:
        actors = {row[0]: str(row[1]) for row in engine.relation("actor")}
    aliases: dict[str, str] = {}
    if relations.get("alias") == 2:  # `Washington` for `USA`: an alias completes as itself
        aliases = {alias: f"alias of {actor}" for alias, actor in engine.relation("alias")}
    if relations.get("event") == 6:
        events = {row[0]: f"{row[1]} {row[3]} {row[4]} {row[5]}".rstrip()
                  for row in engine.relation("event")}
    if relations.get("verb", 0) >= 3:
        verbs = {row[0]: f"Goldstein {row[2]}" for row in engine.relation("verb")}
    names: dict[str, str] = {}
    arguments: dict[str, tuple[str, ...]] = {}
    for cmd in commands.values():
        for name in (cmd.name, *cmd.aliases):
            names[name] = cmd.summary
            arguments[name] = cmd.arguments
    questions: dict[str, str] = {}
    if relations.get("question") == 2:  # the catalogue of rules/questions.dl
        questions = {str(name): str(text) for name, text in engine.relation("question")}
    return Vocabulary(names, arguments, {n: f"{n}/{a}" for n, a in relations.items()},
                      actors, events, verbs, aliases, questions)


def prompt_completer(get_vocabulary: Callable[[], Vocabulary]):
    """A prompt_toolkit `Completer` over `suggest`."""
    from prompt_toolkit.completion import Completer, Completion

    class ReplCompleter(Completer):
        def get_completions(self, document, complete_event):
            try:
                suggestion = suggest(document.text_before_cursor, get_vocabulary())
            except Exception:  # completion must never break the prompt
                return
            for text, about in suggestion.candidates:
                yield Completion(text, start_position=-len(suggestion.word), display_meta=about)

    return ReplCompleter()
