"""A session runs the commands of the table it is started with; the table is built from groups."""

from __future__ import annotations

import io

import pytest

from reasoner.engine import Engine
from reasoner.repl.registry import CommandGroup, CommandTable
from reasoner.repl.session import Session
from reasoner.repl.table import command_table


def test_a_session_runs_the_commands_of_its_table() -> None:
    group = CommandGroup()

    @group.command("hello", "NAME", "greet", aliases=("hi",))
    def _hello(session: Session, args: list[str]) -> None:
        group.expect("hello", args, 1, 1)
        session.say(f"hello {args[0]}")

    out = io.StringIO()
    session = Session(Engine, out=out, commands=CommandTable(group))
    assert session.handle(":hi world").ok
    assert not session.handle(":helo world").ok
    assert not session.handle(":hello").ok
    assert not session.handle(":help").ok  # not in this table
    assert out.getvalue().splitlines() == [
        "hello world",
        "error: unknown command `:helo`; did you mean `:hello`? (`:help` lists the commands)",
        "error: `:hello` needs NAME (see `:help hello`)",
        "error: unknown command `:help`; did you mean `:hello`? (`:help` lists the commands)",
    ]


def test_the_shipped_table_has_the_built_in_commands_then_the_questions() -> None:
    names = list(command_table())
    assert names[:2] == ["help", "quit"] and names[-3:] == ["questions", "ask", "brief"]


def test_two_commands_of_one_name_are_refused() -> None:
    first, second = CommandGroup(), CommandGroup()
    first.command("show", "", "one")(lambda session, args: None)
    second.command("display", "", "two", aliases=("show",))(lambda session, args: None)
    with pytest.raises(ValueError, match="two commands are called `:show`"):
        CommandTable(first, second)
