"""Reading rule files: the text of a file and of every file it `#include`s, parsed."""

from __future__ import annotations

from pathlib import Path

from reasoner import ast
from reasoner.errors import Diagnostic, LoadError, ParseError, error
from reasoner.files import Sandbox, read_bytes, real_path
from reasoner.source import SourceText
from reasoner.syntax import parse_program
from reasoner.syntax.datalog import expand_all_components
from reasoner.syntax.preprocess import Macros


def read_source(path: Path, sandbox: Sandbox | None = None) -> SourceText:
    """The text of a file as a `SourceText`; a `LoadError` if it is missing, not a regular
    file, too large (`files.MAX_INPUT_BYTES`), not UTF-8, or outside the `sandbox`."""
    try:
        raw = read_bytes(path, sandbox=sandbox)
    except FileNotFoundError:
        raise LoadError(error(f"no such file: {path}")) from None
    except IsADirectoryError:
        raise LoadError(error(f"{path} is a directory")) from None
    except OSError as exc:
        raise LoadError(error(f"cannot read {path}: {exc.strerror}")) from None
    except ValueError:  # a NUL character in the name
        raise LoadError(error(f"invalid file name {str(path)!r}")) from None
    try:
        return SourceText(str(path), raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        from reasoner.source import Span

        source = SourceText(str(path), raw.decode("utf-8", "replace"))
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(error(f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                              Span.at(source, line, column),
                              "save the file as UTF-8")) from None


def parse_with_includes(source: SourceText, directory: Path | None,
                        loaded: set[str] | None = None, sandbox: Sandbox | None = None) -> list[ast.Statement]:
    """Parse `source`, replacing each `#include "file"` by the statements of that file
    (resolved against the including file's directory). Collects errors of every file.

    `loaded` holds the resolved paths of files already read; a file is included once only
    (so a file that is both loaded and included, or included twice, counts once). It is
    updated with the files read here. With a `sandbox`, an included file must lie inside it
    (after resolving links); one outside is reported without being opened. Macros defined by
    `#define` hold in the rest of the file and in the files read after it."""
    diagnostics: list[Diagnostic] = []
    top = (str(real_path(source.name)),) if directory is not None else ()
    if loaded is None:
        loaded = set()
    loaded.update(top)
    statements = _parse(source, directory, top, diagnostics, loaded, sandbox, {})
    if diagnostics:
        raise ParseError(diagnostics)
    # components are expanded once every file is read: a `.comp` may come from an included file
    return expand_all_components(statements)


def _parse(source: SourceText, directory: Path | None, stack: tuple[str, ...],
           diagnostics: list[Diagnostic], loaded: set[str], sandbox: Sandbox | None, macros: Macros) -> list[ast.Statement]:
    try:
        parsed = parse_program(source, macros, components=False)
    except ParseError as exc:
        diagnostics.extend(exc.diagnostics)
        return []
    result: list[ast.Statement] = []
    for statement in parsed:
        if not isinstance(statement, ast.Include):
            result.append(statement)
            continue
        # Resolved against the including file's directory, and named as the user would
        # write it (relative paths stay relative, so messages do not depend on the machine).
        shown = directory / statement.path if directory is not None else Path(statement.path)
        if "\0" in statement.path:
            diagnostics.append(error(f"cannot include {statement.path!r}: a file name cannot hold a NUL "
                                     "character", statement.span))
            continue
        path = real_path(shown)
        if str(path) in stack:
            diagnostics.append(error(f"`{statement.path}` includes itself", statement.span))
            continue
        if str(path) in loaded:
            continue  # included once only
        loaded.add(str(path))
        try:
            included = read_source(shown, sandbox)
        except LoadError as exc:
            diagnostics.append(error(f"cannot include `{statement.path}`: {exc.diagnostics[0].message}",
                                     statement.span,
                                     "the path is relative to the including file's directory"
                                     if not Path(statement.path).is_absolute() else None))
            continue
        result.extend(_parse(included, shown.parent, stack + (str(path),), diagnostics, loaded, sandbox, macros))
    return result
