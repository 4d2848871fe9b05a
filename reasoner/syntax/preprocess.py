"""The C-preprocessor lines Soufflé accepts (it runs its programs through `mcpp`).

`#define NAME text` and `#define NAME(a, b) text` (with `##` pasting tokens), `#undef NAME`,
`#ifdef`, `#ifndef`, `#if` and `#elif` (integer expressions with `defined(NAME)`, `&&`, `||`,
`!` and comparisons), `#else`, `#endif`. A directive goes on over the next line when it ends
with `\\`. `#include` lines are left for the grammar (`reasoner.loader` reads the files).

The expanded text keeps every line where it was: a directive line, a continuation line and a
line skipped by `#if` become empty lines, and a macro's expansion stays on the line of its use.
`Expansion.column` maps a column of the expanded text back to the original one (every
character of an expansion maps to the macro's name), so that diagnostics point into the text
as the user wrote it. Strings and comments are never expanded.
"""

from __future__ import annotations

import ast as python_ast
import re

import attrs

from reasoner.errors import Diagnostic, error
from reasoner.source import SourceText, Span


@attrs.frozen
class Macro:
    name: str
    parameters: tuple[str, ...] | None  # None: an object-like macro
    body: str


Macros = dict[str, Macro]


@attrs.frozen
class Expansion:
    """The text after preprocessing; `columns[line]` lists, for a line that changed, the
    original column of each character (1-based), plus one past the end."""

    text: str
    columns: dict[int, list[int]]
    diagnostics: list[Diagnostic]

    def column(self, line: int, column: int) -> int:
        mapping = self.columns.get(line)
        if mapping is None:
            return column
        return mapping[min(max(column, 1), len(mapping)) - 1]


_DIRECTIVE = re.compile(r"\s*#\s*([A-Za-z_]\w*)?(.*)$", re.S)
_ANY_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(?!include\b)[A-Za-z_]", re.M)
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|//.*|/\*|[A-Za-z_]\w*|.', re.S)
_DEFINE = re.compile(r"([A-Za-z_]\w*)(?:\(([^)]*)\))?\s*(.*)$", re.S)
_IDENT = re.compile(r"[A-Za-z_]\w*$")


def needs_preprocessing(text: str, macros: Macros) -> bool:
    return bool(macros) or _ANY_DIRECTIVE.search(text) is not None


def preprocess(source: SourceText, macros: Macros) -> Expansion:
    """Expand `source` with `macros` (updated by its `#define` and `#undef` lines)."""
    return _Preprocessor(source, macros).run()


class _Preprocessor:
    def __init__(self, source: SourceText, macros: Macros):
        self.source = source
        self.macros = macros
        self.diagnostics: list[Diagnostic] = []
        self.columns: dict[int, list[int]] = {}
        # One entry per open `#if`: (is this branch active, has a branch been taken, line).
        self.conditions: list[tuple[bool, bool, int]] = []
        self.in_comment = False

    def fail(self, message: str, line: int, column: int, width: int = 1, hint: str | None = None) -> None:
        self.diagnostics.append(error(message, Span.at(self.source, line, column, width), hint))

    def active(self) -> bool:
        return all(active for active, _, _ in self.conditions)

    def run(self) -> Expansion:
        lines = self.source.text.split("\n")
        out: list[str] = []
        number = 0
        while number < len(lines):
            text = lines[number]
            number += 1
            match = None if self.in_comment else _DIRECTIVE.match(text)
            if match is None or not text.lstrip().startswith("#"):
                out.append(self.expand_line(text, number) if self.active() else "")
                continue
            first = number
            body = match.group(2)
            while body.rstrip().endswith("\\") and number < len(lines):
                body = body.rstrip()[:-1] + " " + lines[number]
                number += 1
            name = match.group(1) or ""
            if name == "include":
                out.append(text if self.active() else "")
            else:
                self.directive(name, body.strip(), first, text.index("#") + 1)
                out.append("")
            out.extend("" for _ in range(number - first))
        for _, _, line in self.conditions:
            self.fail("`#if` without `#endif`", line, 1, 3, "close the block with `#endif`")
        return Expansion("\n".join(out), self.columns, self.diagnostics)

    # ---- directives ------------------------------------------------------------------
    def directive(self, name: str, body: str, line: int, column: int) -> None:
        width = len(name) + 1
        if name in ("ifdef", "ifndef"):
            defined = body.split()[0] in self.macros if body else False
            self.open(defined == (name == "ifdef"), line)
        elif name == "if":
            self.open(self.condition(body, line, column), line)
        elif name in ("elif", "else"):
            if not self.conditions:
                self.fail(f"`#{name}` without `#if`", line, column, width)
                return
            _, taken, start = self.conditions.pop()
            enclosing = self.active()
            value = not taken and (name == "else" or (enclosing and self.condition(body, line, column)))
            self.conditions.append((value, taken or value, start))
        elif name == "endif":
            if not self.conditions:
                self.fail("`#endif` without `#if`", line, column, width)
                return
            self.conditions.pop()
        elif not self.active():
            return
        elif name == "define":
            self.define(body, line, column)
        elif name == "undef":
            self.macros.pop(body.split()[0] if body else "", None)
        elif name in ("pragma", "line", "error", "warning"):
            if name in ("error", "warning"):
                self.fail(f"#{name} {body}".rstrip(), line, column, width)
        else:
            self.fail(f"unknown preprocessor directive `#{name}`", line, column, width,
                      "the directives are #include, #define, #undef, #ifdef, #ifndef, #if, #elif, "
                      "#else and #endif")

    def open(self, value: bool, line: int) -> None:
        self.conditions.append((value, value, line))

    def define(self, body: str, line: int, column: int) -> None:
        match = _DEFINE.match(body)
        if match is None:
            self.fail("`#define` needs a name", line, column, 7, "write `#define NAME value`")
            return
        name, parameters, text = match.groups()
        params: tuple[str, ...] | None = None
        if parameters is not None and body[len(name)] == "(":
            params = tuple(p.strip() for p in parameters.split(",")) if parameters.strip() else ()
            if not all(_IDENT.match(p) for p in params):
                self.fail(f"the parameters of macro `{name}` must be names", line, column, 7)
                return
        elif parameters is not None:
            text = body[len(name):].strip()
        self.macros[name] = Macro(name, params, text.strip())

    def condition(self, body: str, line: int, column: int) -> bool:
        """The value of an `#if` expression: C's integer expressions, names not defined as
        macros count as 0."""
        text = re.sub(r"\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)",
                      lambda m: "1" if (m.group(1) or m.group(2)) in self.macros else "0", body)
        text = self.expand(text, frozenset())
        text = re.sub(r"[A-Za-z_]\w*", "0", re.sub(r"\b(0x[0-9A-Fa-f]+|\d+)[uUlL]+", r"\1", text))
        text = text.replace("&&", " and ").replace("||", " or ")
        text = re.sub(r"!(?!=)", " not ", text)
        try:
            tree = python_ast.parse(text.strip() or "x", mode="eval")
            allowed = (python_ast.Expression, python_ast.BoolOp, python_ast.UnaryOp, python_ast.BinOp,
                       python_ast.Compare, python_ast.Constant, python_ast.boolop, python_ast.unaryop,
                       python_ast.operator, python_ast.cmpop)
            if not all(isinstance(node, allowed) for node in python_ast.walk(tree)):
                raise ValueError
            return bool(eval(compile(tree, "#if", "eval"), {"__builtins__": {}}))  # noqa: S307
        except (SyntaxError, ValueError, TypeError, ZeroDivisionError):
            self.fail(f"cannot evaluate `#if {body}`", line, column, 3,
                      "an #if takes integers, defined(NAME), comparisons, &&, || and !")
            return False

    # ---- expansion -------------------------------------------------------------------
    def expand_line(self, text: str, line: int) -> str:
        """One line with its macros expanded; records its column map when it changed."""
        if not self.macros and not self.in_comment:
            return text
        out: list[str] = []
        columns: list[int] = []
        changed = False
        position = 0
        while position < len(text):
            if self.in_comment:
                end = text.find("*/", position)
                stop = len(text) if end < 0 else end + 2
                self.in_comment = end < 0
                out.append(text[position:stop])
                columns.extend(range(position + 1, stop + 1))
                position = stop
                continue
            match = _TOKEN.match(text, position)
            assert match is not None
            token = match.group()
            if token == "/*":
                self.in_comment = True
                out.append(token)
                columns.extend((position + 1, position + 2))
                position = match.end()
                continue
            macro = self.macros.get(token)
            if macro is None:
                out.append(token)
                columns.extend(range(position + 1, match.end() + 1))
                position = match.end()
                continue
            replaced = self.invoke(macro, text, match.end(), frozenset(), line, position + 1)
            if replaced is None:
                out.append(token)
                columns.extend(range(position + 1, match.end() + 1))
                position = match.end()
                continue
            expansion, position = replaced
            changed = True
            out.append(expansion)
            # the expansion points at the macro's name, its last character at the use's end
            columns.extend([match.start() + 1] * (len(expansion) - 1) + [position] * bool(expansion))
        if changed:
            columns.append(len(text) + 1)
            self.columns[line] = columns
        return "".join(out)

    def invoke(self, macro: Macro, text: str, after: int, active: frozenset[str],
               line: int | None = None, column: int = 1) -> tuple[str, int] | None:
        """The expansion of `macro` used at `text[:after]`, and where its use ends; None for a
        function-like macro not followed by `(` (then it is just a name)."""
        inner = active | {macro.name}
        if macro.parameters is None:
            return self.expand(macro.body, inner), after
        opening = re.compile(r"\s*\(").match(text, after)
        if opening is None:
            return None
        arguments, end = _arguments(text, opening.end())
        if end < 0:
            if line is not None:
                self.fail(f"the arguments of macro `{macro.name}` do not end on this line", line, column,
                          len(macro.name), "write a macro's arguments on the line of its name")
            return "", len(text)
        if arguments == [""] and not macro.parameters:
            arguments = []
        if len(arguments) != len(macro.parameters):
            if line is not None:
                self.fail(f"macro `{macro.name}` takes {len(macro.parameters)} arguments, not {len(arguments)}",
                          line, column, len(macro.name))
            return "", end
        values = dict(zip(macro.parameters, arguments))
        body = _substitute(macro.body, values, lambda a: self.expand(a, active))
        return self.expand(body, inner), end

    def expand(self, text: str, active: frozenset[str]) -> str:
        """`text` with its macros expanded, except those in `active` (being expanded)."""
        out: list[str] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            assert match is not None
            token = match.group()
            macro = self.macros.get(token)
            replaced = None
            if macro is not None and token not in active:
                replaced = self.invoke(macro, text, match.end(), active)
            if replaced is None:
                out.append(token)
                position = match.end()
            else:
                out.append(replaced[0])
                position = replaced[1]
        return "".join(out)


def _arguments(text: str, start: int) -> tuple[list[str], int]:
    """The comma-separated arguments from `start` to the matching `)`, and the position after
    it (-1 when the line ends first)."""
    arguments: list[str] = []
    depth = 0
    current = start
    position = start
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None
        token = match.group()
        position = match.end()
        if token in "([{" and token:
            depth += 1
        elif token in ")]}" and token:
            if depth == 0:
                arguments.append(text[current:position - 1].strip())
                return arguments, position
            depth -= 1
        elif token == "," and depth == 0:
            arguments.append(text[current:position - 1].strip())
            current = position
    return arguments, -1


def _substitute(body: str, values: dict[str, str], expand) -> str:
    """The body with its parameters replaced: by the argument as written next to `##`, else
    by the expanded argument; then the `##` joins its neighbours."""
    tokens = [m.group() for m in _TOKEN.finditer(body)]
    out: list[str] = []
    for index, token in enumerate(tokens):
        if token in values:
            before = "".join(tokens[:index]).rstrip().endswith("##")
            after = "".join(tokens[index + 1:]).lstrip().startswith("##")
            out.append(values[token] if before or after else expand(values[token]))
        else:
            out.append(token)
    return re.sub(r"\s*##\s*", "", "".join(out))
