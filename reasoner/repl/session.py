"""A REPL session: one engine, the statements added to it, and the answer to each input.

`Session.handle(text)` answers one complete input (see `reasoner.repl.inputs` for the forms)
and prints to the session's output; it never raises for bad input: diagnostics are printed
and the engine is left unchanged (every Engine change is atomic). The interactive shell
(`shell.py`) and the script runner (`script.py`) are two loops around it. A session runs the
`:commands` of the table it is started with (`reasoner.repl.table.command_table`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import attrs

from reasoner import ast
from reasoner.engine import Engine
from reasoner.errors import REPL_HINTS, ParseError, ReasonerError
from reasoner.explain.proof import Proof
from reasoner.render import CELL_WIDTH, query_columns, render
from reasoner.repl.inputs import classify
from reasoner.repl.lexer import significant, tokenize
from reasoner.repl.statements import SHAPES, StatementCache, with_details
from reasoner.source import SourceText

if TYPE_CHECKING:  # the table's commands take a Session: only the types refer to each other
    from reasoner.repl.registry import CommandTable

TABLE_LIMIT = 50  # rows of an answer table shown before the "first N shown" note
PROOF_DEPTH = 6  # levels of a proof `:why` prints (`:set depth`)


@attrs.frozen
class Reply:
    """How an input went: `ok` is False when it was an error, `stop` when the session ends."""

    ok: bool = True
    stop: bool = False


@attrs.frozen
class Added:
    """A statement added in the session, kept for `:save`."""

    kind: str  # "dl", "events", or "load" (text: the resolved paths of the files, one a line)
    text: str
    name: str = ""  # the name it was loaded under (`<input 3>`), to load it again under it


@attrs.frozen
class Saved:
    """A `:snapshot`: the engine, its state, and the inputs added until then (for `:save`)."""

    engine: Engine
    snapshot: object  # reasoner.engine.Snapshot
    added: tuple[Added, ...]


class CommandError(Exception):
    """A command was used wrongly (unknown, missing argument...): its message is shown."""


class Session:
    def __init__(self, make_engine: Callable[[], Engine], out: TextIO | None = None,
                 limit: int = TABLE_LIMIT, *, commands: CommandTable):
        """`make_engine` builds the starting engine (again on `:reset`); `commands` are the
        `:commands` the session runs."""
        self.make_engine = make_engine
        self.commands = commands
        self.engine = make_engine()
        self.out = out if out is not None else sys.stdout
        self.limit = limit
        self.format = "table"
        self.added: list[Added] = []
        self.loaded: list[str] = []  # files given to `:load`
        self.counter = 0
        self.depth: int | None = PROOF_DEPTH  # `:set depth`; None: whole proofs
        self.last_proof: Proof | None = None  # the last proof `:why` printed, for `:why N`
        self.last_answers: list | None = None  # the answers `:ask` / `:brief` printed, for `:why N`
        self.ids = "detail"  # `:set ids`: statement ids in tables with their date, actor, verb, target
        self.statements = StatementCache()
        self.snapshots: dict[str, Saved] = {}  # `:snapshot NAME`

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def show(self, rows: list[dict[str, object]], columns: list[str], limit: int | None = None,
             width: int | None = CELL_WIDTH) -> None:
        """Rows in the session's format (tables cut at `limit`, default the session's, and
        their cells at `width` characters)."""
        self.say(render(rows, columns, self.format, limit if limit is not None else self.limit, width))

    def readable(self, rows: list[dict[str, object]], columns: list[str],
                 plain: tuple[str, ...] = ()) -> list[dict[str, object]]:
        """With `:set ids detail` (the default) and tables, the columns whose values are all
        statement ids (but `plain`) show each with its date, actor, verb and target, and the rows
        go in date order (see `reasoner.repl.statements`); CSV and JSON stay as they are."""
        if self.ids != "detail" or self.format != "table" or not rows:
            return rows
        return with_details(rows, columns, self.statements.get(self.engine), plain)

    # ---- one input ---------------------------------------------------------------------
    def handle(self, text: str) -> Reply:
        """Answer one complete input. KeyboardInterrupt is left to the caller's loop."""
        kind = classify(text)
        try:
            if kind == "command":
                return self.commands.run(self, text.strip())
            if kind == "events":
                self.add_events(text)
            elif kind == "rules" and significant(tokenize(text)):
                self.ask_or_add(text)
            return Reply()
        except ReasonerError as exc:
            self.say(exc.render(REPL_HINTS))
        except CommandError as exc:
            self.say(f"error: {exc}")
        except Exception as exc:  # a bug: report it, keep the session
            self.say(f"internal error: {type(exc).__name__}: {exc}\n"
                     "(this is a bug in reasoner; the session is unchanged)")
        return Reply(ok=False)

    def next_name(self) -> str:
        self.counter += 1
        return f"<input {self.counter}>"

    def ask_or_add(self, text: str) -> None:
        name = self.next_name()
        query = as_query(name, text)
        if query is not None:
            columns = query_columns(query)
            self.show(self.readable(self.engine.ask(query), columns, joined_statements(query)), columns)
            return
        warnings = self.engine.load_text(text, name=name)
        self.added.append(Added("dl", text.strip(), name))
        for warning in warnings:
            self.say(warning.render())
        self.say(f"added {describe_rules(text, name)}")

    def add_events(self, text: str) -> None:
        name = self.next_name()
        warnings = self.engine.load_text(text, name=name, kind="events")
        self.added.append(Added("events", text.rstrip(), name))
        for warning in warnings:
            self.say(warning.render())
        self.say(f"added {describe_events(text)}")

    def reset(self) -> tuple[int, int]:
        """Back to the starting engine; returns how many added statements and how many
        `:load`ed files were dropped."""
        engine = self.make_engine()
        dropped = sum(1 for a in self.added if a.kind != "load")
        loaded = sum(len(a.text.splitlines()) for a in self.added if a.kind == "load")
        self.engine = engine
        self.added = []
        self.loaded = []
        self.last_proof = None
        self.last_answers = None
        return dropped, loaded


def as_query(name: str, text: str) -> ast.Query | None:
    """The input as a query, or None if it is rules and facts to add.

    A query is `?- goal.`, or text that is not a program but is a goal (`p(X), X > 2.`), or a
    single atom with variables or `_` (`event(E, _, _, "USA", V, T).`), which as a fact could
    never be grounded. A ground atom (`p(1).`) is a fact: ask `?- p(1).` to test it. Text
    that does not end its last statement gets the parser's "expected `.`" diagnostic."""
    from reasoner.syntax import parse_program, parse_query

    from reasoner.repl.inputs import rules_complete

    source = SourceText(name, text)
    if not rules_complete(text):  # unfinished (end of a script, or Esc Enter): say what is missing
        parse_program(source)
    if text.lstrip().startswith("?-"):
        return parse_query(source)
    try:
        statements = parse_program(source)
    except ParseError as program_error:
        if ":-" in text or "<-" in text or text.lstrip()[:1] in ".#":
            raise program_error from None  # meant as a rule or a directive
        return parse_query(source)
    if (len(statements) == 1 and isinstance(statements[0], ast.Clause) and statements[0].is_fact
            and any(isinstance(a, (ast.Var, ast.Wildcard)) for a in statements[0].head.args)):
        return parse_query(source)
    return None


def joined_statements(query: ast.Query) -> tuple[str, ...]:
    """The variables a query itself joins with a statement's relation as its id
    (`event(R, D, _, A, V, _)`): their answers already show what the statement says."""
    names = []
    for body in query.bodies:
        for literal in body:
            if (isinstance(literal, ast.Atom) and literal.relation in SHAPES and literal.args
                    and isinstance(literal.args[0], ast.Var)):
                names.append(literal.args[0].name)
    return tuple(names)


def _count(number: int, noun: str) -> str:
    if noun == "evidence":
        noun = "evidence statement"
    return f"{number} {noun}{'' if number == 1 else 's'}"


def describe_rules(text: str, name: str) -> str:
    """`1 rule, 2 facts` ...: what a rule-language input added."""
    from reasoner.syntax import parse_program

    statements = parse_program(SourceText(name, text))
    counts = {"declaration": 0, "type": 0, "directive": 0, "rule": 0, "fact": 0, "include": 0}
    for statement in statements:
        if isinstance(statement, ast.Clause):
            counts["fact" if statement.is_fact else "rule"] += 1
        elif isinstance(statement, ast.Declaration):
            counts["declaration"] += 1
        elif isinstance(statement, ast.TypeDeclaration):
            counts["type"] += 1
        elif isinstance(statement, ast.IODirective):
            counts["directive"] += 1
        elif isinstance(statement, ast.Include):
            counts["include"] += 1
    parts = [_count(n, noun) for noun, n in counts.items() if n]
    return ", ".join(parts) or "nothing"


def describe_events(text: str) -> str:
    """`1 actor, 2 events` ...: what an event-statement input added."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line[:1].strip() and not line.startswith(("#", "//")):
            keyword = line.split()[0]
            counts[keyword] = counts.get(keyword, 0) + 1
    return ", ".join(_count(n, k) for k, n in counts.items()) or "nothing"
