"""Parsers: text -> syntax tree. Lark errors are turned into diagnostics here."""

from reasoner.syntax.datalog import parse_program, parse_query

__all__ = ["parse_program", "parse_query"]
