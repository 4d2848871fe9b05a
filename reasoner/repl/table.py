"""The command table a REPL session starts with: the built-in commands, then the questions'.

This is the one place that puts the groups of commands together (`reasoner.repl.registry`), so
that no module registers commands in another as a side effect of being imported.
"""

from __future__ import annotations

from reasoner.questions.repl import COMMANDS as QUESTION_COMMANDS
from reasoner.repl.commands import COMMANDS as BUILT_IN
from reasoner.repl.registry import CommandTable


def command_table() -> CommandTable:
    """Every `:command` of the REPL, in the order `:help` lists them."""
    return CommandTable(BUILT_IN, QUESTION_COMMANDS)
