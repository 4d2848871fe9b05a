"""Reading and writing fact files, as Soufflé does.

`.input r` reads `<fact dir>/r.facts`, tab-separated; `.output r` writes `<output dir>/r.csv`,
tab-separated. Options: `IO=file|stdout`, `filename="..."` (relative to the directory),
`delimiter="..."`, `headers=true` (a first line of column names). Rows are written sorted.

Fact files are read whole and must be regular files of at most `files.MAX_INPUT_BYTES`; a
UTF-8 byte-order mark at the start is skipped. `write_outputs` writes all the outputs of a run
or none: each file goes to a temporary file first, and the files are renamed into place
only when every one was written (see `files.OutputFiles`).
"""

from __future__ import annotations

import io as io_module
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from reasoner import ast
from reasoner.errors import Diagnostic, LoadError, error
from reasoner.files import OutputFiles, Sandbox, read_bytes
from reasoner.program import RelationSchema
from reasoner.source import SourceText, Span
from reasoner.types import format_value, parse_value


def _options(directive: ast.IODirective) -> dict[str, object]:
    return {key.lower(): value for key, value in directive.options}


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() == "true"


def _delimiter(options: dict[str, object], directive: ast.IODirective) -> str:
    """The column separator; escapes such as `\\x2c` in the option are resolved."""
    if "delimiter" not in options:
        return "\t"
    given = str(options["delimiter"])
    try:
        # Characters beyond latin-1 become \uXXXX escapes first, so that they survive.
        delimiter = given.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as exc:
        raise LoadError(error(f"invalid escape in delimiter={given!r}: {exc.reason}", directive.span)) from None
    if not delimiter:
        raise LoadError(error("the delimiter is empty", directive.span,
                              "the default is a tab; write e.g. delimiter=\",\""))
    return delimiter


def input_path(directive: ast.IODirective, fact_dir: Path) -> Path:
    options = _options(directive)
    name = str(options.get("filename", f"{directive.relation}.facts"))
    path = Path(name)
    return path if path.is_absolute() else fact_dir / path


def read_input(directive: ast.IODirective, schema: RelationSchema, fact_dir: Path,
               sandbox: Sandbox | None = None) -> set[tuple]:
    """The tuples of the fact file a `.input` directive names. Raises `LoadError`; with a
    `sandbox`, for a file outside it too (without opening it)."""
    options = _options(directive)
    io = str(options.get("io", "file"))
    if io != "file":
        raise LoadError(error(f"`IO={io}` is not supported for `.input`", directive.span,
                              "use IO=file (the default)"))
    path = input_path(directive, fact_dir)
    delimiter = _delimiter(options, directive)
    try:
        raw = read_bytes(path, sandbox=sandbox)
    except FileNotFoundError:
        raise LoadError(error(f"cannot open fact file {path} for `{directive.relation}`", directive.span,
                              "give the fact directory with -F, or a filename= option")) from None
    except OSError as exc:
        raise LoadError(error(f"cannot read fact file {path}: {exc.strerror}", directive.span)) from None
    except ValueError:  # a NUL character in the name
        raise LoadError(error(f"invalid fact file name {str(path)!r}", directive.span)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        source = SourceText(str(path), raw.decode("utf-8", "replace"))
        raise LoadError(error(f"fact file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                              Span.at(source, line, column))) from None
    source = SourceText(str(path), text.removeprefix("\ufeff"))  # a byte-order mark is no data
    return parse_facts(source, schema, delimiter, _truthy(options.get("headers", False)))


def parse_facts(source: SourceText, schema: RelationSchema, delimiter: str = "\t",
                headers: bool = False) -> set[tuple]:
    rows: set[tuple] = set()
    diagnostics: list[Diagnostic] = []
    bases = schema.bases
    arity = schema.arity
    for number, line in enumerate(source.text.split("\n"), start=1):
        line = line.rstrip("\r")
        if headers and number == 1:
            continue
        if not line and arity != 0:
            continue
        if arity == 0:
            rows.add(())
            continue
        fields = line.split(delimiter)
        if len(fields) != arity:
            diagnostics.append(error(
                f"expected {arity} column{'s' if arity != 1 else ''} for `{schema.name}`, found {len(fields)}",
                Span.at(source, number, 1, max(1, len(line))),
                f"columns are separated by {'a tab' if delimiter == chr(9) else repr(delimiter)}; "
                f"the signature is {schema.signature()}"))
        else:
            values = []
            column = 1
            for field, base, name in zip(fields, bases, schema.columns):
                try:
                    values.append(parse_value(field, base))
                except ValueError as exc:
                    diagnostics.append(error(f"column `{name}` of `{schema.name}`: {exc}",
                                             Span.at(source, number, column, max(1, len(field)))))
                column += len(field) + len(delimiter)
            rows.add(tuple(values))
        if len(diagnostics) >= 20:
            diagnostics.append(error("too many errors in this file; stopping here"))
            break
    if diagnostics:
        raise LoadError(diagnostics)
    return rows


def sort_key(row: tuple) -> tuple:
    return tuple((0, v) if not isinstance(v, str) else (1, v) for v in row)


def write_csv(stream: TextIO, rows: Iterable[tuple], delimiter: str = "\t") -> None:
    for row in sorted(rows, key=sort_key):
        if not row:
            stream.write("()\n")
        else:
            stream.write(delimiter.join(format_value(v) for v in row) + "\n")


def write_outputs(outputs: Iterable[tuple[ast.IODirective, RelationSchema, set[tuple]]],
                  output_dir: Path | None, stdout: TextIO | None = None,
                  sandbox: Sandbox | None = None) -> None:
    """Write relations as their `.output` / `.printsize` directives say; `output_dir=None`
    means stdout. All or nothing: every file is written aside first and renamed into place
    only when all of them were written, and nothing is printed before that; on a
    `LoadError` (a file that cannot be written, a value that cannot be printed, a file
    outside the `sandbox`) every previous output file is left as it was."""
    stdout = stdout if stdout is not None else sys.stdout
    printed: list[str] = []
    with OutputFiles() as files:
        for directive, schema, rows in outputs:
            printed.append(_stage_output(files, directive, schema, rows, output_dir, sandbox))
        try:
            files.commit()
        except OSError as exc:
            raise LoadError(error(f"cannot write {exc.filename}: {exc.strerror}")) from None
    stdout.write("".join(printed))


def write_output(directive: ast.IODirective, schema: RelationSchema, rows: set[tuple],
                 output_dir: Path | None) -> None:
    """One relation written as its directive says (see `write_outputs`)."""
    write_outputs([(directive, schema, rows)], output_dir)


def _stage_output(files: OutputFiles, directive: ast.IODirective, schema: RelationSchema,
                  rows: set[tuple], output_dir: Path | None, sandbox: Sandbox | None) -> str:
    """Stage the file of one output in `files`; the text to print on stdout ('' for none)."""
    options = _options(directive)
    delimiter = _delimiter(options, directive)
    headers = _truthy(options.get("headers", False))
    io = str(options.get("io", "file"))
    if directive.kind == "printsize":
        return f"{schema.name}\t{len(rows)}\n"
    if io == "stdout" or output_dir is None:
        out = io_module.StringIO()
        out.write(f"---------------\n{schema.name}")
        if headers:
            out.write("\n" + delimiter.join(schema.columns))
        out.write("\n===============\n")
        _write_rows(out, rows, delimiter, directive, schema)
        out.write("===============\n")
        return out.getvalue()
    if io != "file":
        raise LoadError(error(f"`IO={io}` is not supported for `.output`", directive.span,
                              "use IO=file or IO=stdout"))
    name = str(options.get("filename", f"{schema.name}.csv"))
    path = Path(name) if Path(name).is_absolute() else output_dir / name
    if "\0" in name:
        raise LoadError(error(f"invalid output file name {str(path)!r}", directive.span))
    if sandbox is not None and not sandbox.allows(path):
        raise LoadError(error(f"cannot write {path} for `{schema.name}`: outside the allowed directories",
                              directive.span))

    def content(handle: TextIO) -> None:
        if headers:
            handle.write(delimiter.join(schema.columns) + "\n")
        _write_rows(handle, rows, delimiter, directive, schema)

    try:
        files.write(path, content)
    except OSError as exc:
        raise LoadError(error(f"cannot write {path}: {exc.strerror}", directive.span)) from None
    return ""


def _write_rows(stream: TextIO, rows: Iterable[tuple], delimiter: str, directive: ast.IODirective,
                schema: RelationSchema) -> None:
    try:
        write_csv(stream, rows, delimiter)
    except ValueError as exc:  # an integer too long to print (Python's 4,300-digit limit)
        raise LoadError(error(f"cannot write `{schema.name}`: a value cannot be printed ({exc})",
                              directive.span, "no output was written; the previous files are unchanged")) from None


def find_row(directive: ast.IODirective, schema: RelationSchema, fact_dir: Path, row: tuple) -> Span | None:
    """Where a row of a `.input` fact file is written (None if the file no longer holds it)."""
    options = _options(directive)
    path = input_path(directive, fact_dir)
    delimiter = _delimiter(options, directive)
    try:
        text = read_bytes(path).decode("utf-8").removeprefix("\ufeff")
    except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    source = SourceText(str(path), text)
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.rstrip("\r").split(delimiter)
        if len(fields) != schema.arity:
            continue
        try:
            values = tuple(parse_value(f, b) for f, b in zip(fields, schema.bases))
        except ValueError:
            continue
        if values == row:
            return Span.at(source, number, 1, max(1, len(line)))
    return None
