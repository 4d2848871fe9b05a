"""The interactive REPL (a plain line-based loop; the prompt_toolkit shell builds on it)."""

from reasoner.repl.session import run_repl

__all__ = ["run_repl"]
