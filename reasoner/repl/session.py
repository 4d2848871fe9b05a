"""A REPL session: statements are read until they end with `.`, then answered.

Input forms: a query `?- goal.` (or a bare goal ending in `.` whose relations all exist and
that has variables), a rule or fact (added to the session), and commands `:help`,
`:relations`, `:load FILE`, `:quit`. Bad input prints a diagnostic and changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reasoner.engine import Engine
from reasoner.errors import ReasonerError
from reasoner.render import table
from reasoner.resources import data_dir

HELP = """\
  ?- goal.          ask a question, e.g.  ?- path(1, X).
  head :- body.     add a rule;  fact(...).  add a fact
  :relations        list relations with arity and size
  :load FILE        load a rule file
  :help             this text
  :quit             leave (also Ctrl-D)"""


def default_files() -> list[Path]:
    """The shipped rule library and event corpus."""
    return [data_dir("rules"), data_dir("corpus")]


class Session:
    def __init__(self, engine: Engine, out=sys.stdout):
        self.engine = engine
        self.out = out
        self.counter = 0

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def handle(self, text: str) -> bool:
        """Answer one complete input; False when the session should end."""
        stripped = text.strip()
        if not stripped:
            return True
        if stripped.startswith(":"):
            return self.command(stripped)
        self.counter += 1
        name = f"<input {self.counter}>"
        try:
            query = self.as_query(name, stripped)
            if query is not None:
                self.say(table(self.engine.ask(query), query, limit=100))
            else:
                for warning in self.engine.load_text(text, name=name):
                    self.say(warning.render())
                self.say("ok")
        except ReasonerError as exc:
            self.say(exc.render())
        return True

    def as_query(self, name: str, text: str):
        """The input as a query: `?- goal.`, or a goal that is not a valid rule or fact
        (e.g. `p(X), X > 2.`). None if it should be loaded as rules and facts."""
        from reasoner.errors import ParseError
        from reasoner.source import SourceText
        from reasoner.syntax import parse_program, parse_query

        source = SourceText(name, text)
        if text.startswith("?-"):
            return parse_query(source)
        try:
            parse_program(source)
            return None
        except ParseError:
            try:
                return parse_query(source)
            except ParseError:
                raise

    def command(self, text: str) -> bool:
        name, _, argument = text.partition(" ")
        argument = argument.strip()
        if name in (":quit", ":q", ":exit"):
            return False
        if name == ":help":
            self.say(HELP)
        elif name == ":relations":
            for relation, arity in self.engine.relations().items():
                self.say(f"{relation}/{arity}\t{self.engine.size(relation)}")
        elif name == ":load":
            try:
                for warning in self.engine.load(argument):
                    self.say(warning.render())
                self.say(f"loaded {argument}")
            except ReasonerError as exc:
                self.say(exc.render())
        else:
            self.say(f"unknown command {name}; :help lists the commands")
        return True


def complete(buffer: str) -> bool:
    """Whether the input so far forms complete statements (ends with `.`, or is a command)."""
    stripped = buffer.strip()
    return not stripped or stripped.startswith(":") or stripped.endswith(".")


def run_repl(files: list[str], defaults: bool = True) -> int:
    engine = Engine()
    paths = ([*default_files()] if defaults else []) + [Path(f) for f in files]
    try:
        engine.load(*paths)
    except ReasonerError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    session = Session(engine)
    interactive = sys.stdin.isatty()
    if interactive:
        print("reasoner — :help for help, :quit to leave")
    buffer = ""
    while True:
        try:
            line = input("?- " if not buffer else "...   ") if interactive else sys.stdin.readline()
            if not interactive and line == "":
                raise EOFError
        except EOFError:
            if buffer.strip():
                session.handle(buffer)
            return 0
        except KeyboardInterrupt:
            print()
            buffer = ""
            continue
        buffer += line if line.endswith("\n") else line + "\n"
        if complete(buffer):
            try:
                keep_going = session.handle(buffer)
            except KeyboardInterrupt:
                print("interrupted")
                keep_going = True
            buffer = ""
            if not keep_going:
                return 0
