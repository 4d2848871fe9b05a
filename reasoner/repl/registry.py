"""The REPL's `:commands` as data: `Command`, the `CommandGroup` of a module, the `CommandTable`.

A module that brings commands (the built-in ones of `reasoner.repl.commands`, the questions' of
`reasoner.questions.repl`) makes a `CommandGroup` and decorates its functions with
`group.command(...)`; importing it registers nothing anywhere else. The `CommandTable` a session
runs is built when the session starts (`reasoner.repl.table.command_table`) from the groups it is
given, in order, so `:help`, the completer and the session read one table, and a test can start a
session with any commands.

A command reports misuse by raising `CommandError`; engine errors (`ReasonerError`) are printed by
the session.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator, Mapping

import attrs

from reasoner.repl.session import CommandError, Reply, Session
from reasoner.suggest import did_you_mean

Run = Callable[[Session, list[str]], Reply | None]


@attrs.frozen
class Command:
    name: str  # without the colon
    usage: str  # arguments, e.g. "REL [LIMIT]"
    summary: str  # one line for `:help`
    details: str  # more for `:help name`
    run: Run
    arguments: tuple[str, ...] = ()  # what each argument completes to: relation, actor, ...
    aliases: tuple[str, ...] = ()
    raw: bool = False  # the rest of the line is one argument, as typed (a fact in rule text)


class _Commands(Mapping[str, Command]):
    """Commands by name, in the order they were added (what a group and a table share)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        return self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


class CommandGroup(_Commands):
    """The commands one module defines, by name, in the order they are defined."""

    def __init__(self) -> None:
        super().__init__()

    def command(self, name: str, usage: str, summary: str, details: str = "",
                arguments: tuple[str, ...] = (), aliases: tuple[str, ...] = (),
                raw: bool = False) -> Callable[[Run], Run]:
        """A decorator adding the function it decorates to the group as `:name`."""
        def add(function: Run) -> Run:
            self._commands[name] = Command(name, usage, summary, details, function, arguments,
                                           aliases, raw)
            return function

        return add

    def expect(self, name: str, args: list[str], least: int, most: int) -> None:
        """Raise `CommandError` (with the usage of `:name`) unless `args` has `least` to `most`
        arguments."""
        if least <= len(args) <= most:
            return
        usage = self._commands[name].usage
        if len(args) < least:
            raise CommandError(f"`:{name}` needs {usage} (see `:help {name}`)")
        written = f":{name} {usage}".rstrip()
        raise CommandError(f"too many arguments; usage: `{written}`")


class CommandTable(_Commands):
    """The commands of a session, from its groups in order; a name given twice is an error."""

    def __init__(self, *groups: Mapping[str, Command]) -> None:
        super().__init__()
        for group in groups:
            for name, command in group.items():
                taken = [n for n in (name, *command.aliases) if self.lookup(n) is not None]
                if taken:
                    raise ValueError(f"two commands are called `:{taken[0]}`")
                self._commands[name] = command

    def lookup(self, name: str) -> Command | None:
        """The command called `name` (with or without its colon, or by an alias)."""
        name = name.lstrip(":")
        for command in self._commands.values():
            if name == command.name or name in command.aliases:
                return command
        return None

    def run(self, session: Session, text: str) -> Reply:
        """Run `:name args...`."""
        name, _, rest = text.partition(" ")
        command = self.lookup(name)
        if command is None or name == ":":
            names = [f":{n}" for c in self._commands.values() for n in (c.name, *c.aliases)]
            near = did_you_mean(name, names)
            hint = f"; {near}" if near else ""
            raise CommandError(f"unknown command `{name}`{hint} (`:help` lists the commands)")
        if command.raw:
            return command.run(session, [rest.strip()] if rest.strip() else []) or Reply()
        try:
            args = shlex.split(rest)
        except ValueError as exc:
            raise CommandError(f"cannot read the arguments of `:{command.name}`: {exc}") from None
        return command.run(session, args) or Reply()
