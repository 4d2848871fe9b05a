"""Reading and writing fact files, as Soufflé does.

`.input r` reads `<fact dir>/r.facts`, tab-separated; `.output r` writes `<output dir>/r.csv`,
tab-separated. Options: `IO=file|stdout`, `filename="..."` (relative to the directory),
`delimiter="..."`, `headers=true` (a first line of column names). Rows are written sorted.
`.input` also takes Soufflé's `IO=stdin`, `columns="4:7"` (the fields of each line to read,
counted from 0), `rfc4180=true` (CSV quoting: quoted fields with the delimiter, doubled quotes
and line breaks) and `compress=true` (gzip); any other option is an error with a did-you-mean.

Fact files are streamed (read a line at a time) and must be regular files of at most
`files.MAX_INPUT_BYTES`; a UTF-8 byte-order mark at the start is skipped. Rows of the wrong
width are reported once per file (the first, with their number); values that do not fit their
column at their line and column. `write_outputs` writes all the outputs of a run
or none: each file goes to a temporary file first, and the files are renamed into place
only when every one was written (see `files.OutputFiles`).
"""

from __future__ import annotations

import csv
import gzip
import io as io_module
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import attrs

from reasoner import ast, files
from reasoner.errors import Diagnostic, LoadError, error
from reasoner.files import OutputFiles, Sandbox
from reasoner.program import RelationSchema
from reasoner.records import parse_column, split_fields
from reasoner.source import SourceText, Span
from reasoner.suggest import did_you_mean
from reasoner.types import format_value


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


# Options `.input` understands (Soufflé's); any other is an error with a did-you-mean.
INPUT_OPTIONS = ("IO", "filename", "delimiter", "headers", "columns", "rfc4180", "compress")
# Value errors reported per fact file before giving up (rows of the wrong width are one report).
MAX_ROW_ERRORS = 20


def _input_options(directive: ast.IODirective) -> dict[str, object]:
    """The options of an `.input`, checked: an unknown one is an error naming the closest."""
    known = {name.lower(): name for name in INPUT_OPTIONS}
    for key, _ in directive.options:
        if key.lower() not in known:
            near = did_you_mean(key, INPUT_OPTIONS)
            hint = (f"{near} " if near else "") + f"`.input` takes {', '.join(INPUT_OPTIONS)}"
            raise LoadError(error(f"unknown option `{key}` for `.input {directive.relation}`",
                                  directive.span, hint))
    return _options(directive)


def _columns(options: dict[str, object], directive: ast.IODirective, schema: RelationSchema) -> list[int] | None:
    """`columns="4:7"`: the (zero-based) fields of each line that are the relation's columns."""
    if "columns" not in options:
        return None
    text = str(options["columns"])
    try:
        columns = [int(part) for part in text.split(":")]
    except ValueError:
        columns = []
    if not columns or any(c < 0 for c in columns):
        raise LoadError(error(f"columns={text!r} is not a list of field numbers", directive.span,
                              'write the fields to read, counted from 0 and separated by ":", e.g. columns="0:3"'))
    if len(columns) != schema.arity:
        raise LoadError(error(f"columns={text!r} names {len(columns)} field{'s' if len(columns) != 1 else ''}, "
                              f"but `{schema.name}` has {schema.arity} column{'s' if schema.arity != 1 else ''}",
                              directive.span, f"the signature is {schema.signature()}"))
    return columns


@attrs.frozen
class _LineText(SourceText):
    """One line of a streamed fact file, for a diagnostic: line `number` is `text` (the file's
    text is not held)."""

    number: int = 0

    def line(self, number: int) -> str:
        return self.text if number == self.number else ""


def _line_span(name: str, number: int, line: str, column: int = 1, width: int = 1) -> Span:
    return Span.at(_LineText(name, line, number), number, column, width)


def _open_input(path: Path, sandbox: Sandbox | None):
    """A fact file opened for streaming, with the checks of `files.open_checked`: a regular file
    (a FIFO does not wait, a directory or device is refused), inside the sandbox, at most
    `files.MAX_INPUT_BYTES`. Raises OSError."""
    return os.fdopen(files.open_checked(path, sandbox=sandbox), "rb")


def _text_lines(name: str, raw) -> Iterator[tuple[int, str]]:
    """(number, text) of each line of a binary stream, decoded as UTF-8 (a byte-order mark at
    the start skipped); bytes that are not UTF-8 are a LoadError at their line and column."""
    for number, data in enumerate(raw, start=1):
        data = data.rstrip(b"\n").removesuffix(b"\r")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(error(f"fact file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                                  _line_span(name, number, data.decode("utf-8", "replace"), exc.start + 1))) from None
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte-order mark is no data
        yield number, text


def _fields(name: str, lines: Iterator[tuple[int, str]], delimiter: str,
            rfc4180: bool) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, text, fields) of each line; with rfc4180, CSV quoting (a quoted field may
    hold the delimiter, doubled quotes and line breaks)."""
    if not rfc4180:
        for number, text in lines:
            yield number, text, text.split(delimiter)
        return
    at = [0]

    def texts() -> Iterator[str]:
        for number, text in lines:
            at[0] = number
            yield text + "\n"

    reader = csv.reader(texts(), delimiter=delimiter, doublequote=True, strict=True)
    while True:
        start = at[0] + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise LoadError(error(f"invalid CSV (rfc4180=true): {exc}", _line_span(name, at[0], ""))) from None
        yield start, delimiter.join(fields), fields


def _input_rows(directive: ast.IODirective, schema: RelationSchema, fact_dir: Path,
                sandbox: Sandbox | None, stdin=None) -> tuple[str, Iterator[tuple[int, str, list[str]]]]:
    """The name of the input and its rows, streamed: (line number, text, fields)."""
    options = _input_options(directive)
    io = str(options.get("io", "file")).lower()
    if io not in ("file", "stdin"):
        raise LoadError(error(f"`IO={options.get('io')}` is not supported for `.input`", directive.span,
                              "use IO=file (the default) or IO=stdin"))
    delimiter = _delimiter(options, directive)
    rfc4180 = _truthy(options.get("rfc4180", False))
    if rfc4180 and len(delimiter) != 1:
        raise LoadError(error("rfc4180=true needs a one-character delimiter", directive.span))
    compress = _truthy(options.get("compress", False))
    columns = _columns(options, directive, schema)
    records = schema.records is not None and any(map(schema.records.is_record_type, schema.bases))
    if io == "stdin":
        name, raw = "<stdin>", (stdin if stdin is not None else sys.stdin.buffer)
    else:
        path = input_path(directive, fact_dir)
        name = str(path)
        try:
            raw = _open_input(path, sandbox)
        except FileNotFoundError:
            raise LoadError(error(f"cannot open fact file {path} for `{directive.relation}`", directive.span,
                                  "give the fact directory with -F, or a filename= option")) from None
        except OSError as exc:
            raise LoadError(error(f"cannot read fact file {path}: {exc.strerror}", directive.span)) from None
        except ValueError:  # a NUL character in the name
            raise LoadError(error(f"invalid fact file name {str(path)!r}", directive.span)) from None

    def rows() -> Iterator[tuple[int, str, list[str]]]:
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if compress else raw
        try:
            lines = _text_lines(name, stream)
            if _truthy(options.get("headers", False)):
                next(lines, None)
            for number, text, fields in _fields(name, lines, delimiter, rfc4180):
                if records and not rfc4180:  # a record may hold the delimiter
                    fields = split_fields(text, delimiter)
                if columns is not None and len(fields) > max(columns):
                    fields = [fields[c] for c in columns]  # else too short: a row of the wrong width
                yield number, text, fields
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise LoadError(error(f"{name} is not a complete gzip file (compress=true): {exc}", directive.span)) from None
        finally:
            if io != "stdin":
                raw.close()

    return name, rows()


def read_input(directive: ast.IODirective, schema: RelationSchema, fact_dir: Path,
               sandbox: Sandbox | None = None, stdin=None) -> set[tuple]:
    """The tuples of the fact file (or standard input) a `.input` directive names, streamed.
    Raises `LoadError`: an unknown option (with a did-you-mean), a file that cannot be read (with
    a `sandbox`, one outside it, without opening it), rows that do not fit the relation."""
    name, rows = _input_rows(directive, schema, fact_dir, sandbox, stdin)
    try:
        return parse_rows(name, rows, schema, _delimiter(_options(directive), directive))
    except LoadError as exc:
        options = _options(directive)
        if str(options.get("io", "file")).lower() == "file" and not _truthy(options.get("compress", False)):
            raise LoadError(_in_file_text(exc.diagnostics, name)) from None
        raise


def _in_file_text(diagnostics: Iterable[Diagnostic], name: str) -> list[Diagnostic]:
    """Diagnostics of a streamed fact file with their spans in the file's whole text, as every
    other diagnostic has (the file is read again, on error only; a compressed file or standard
    input keeps the line alone)."""
    try:
        text = files.read_bytes(name).decode("utf-8", "replace").removeprefix("\ufeff")
    except (OSError, ValueError, TypeError):
        return list(diagnostics)
    source = SourceText(name, text)
    return [attrs.evolve(d, span=d.span._replace(source=source))
            if d.span is not None and isinstance(d.span.source, _LineText) else d for d in diagnostics]


def parse_rows(name: str, rows: Iterable[tuple[int, str, list[str]]], schema: RelationSchema,
               delimiter: str = "\t") -> set[tuple]:
    """The tuples of `rows` (line number, text, fields). Rows of the wrong width are reported
    once (the first, with how many there are); a value that does not fit its column is reported
    at its line and column, up to MAX_ROW_ERRORS of them. Raises LoadError."""
    result: set[tuple] = set()
    diagnostics: list[Diagnostic] = []
    bases, arity = schema.bases, schema.arity
    wrong_width: list[tuple[int, str, int]] = []  # the first row of the wrong width, and a count
    wrong = 0
    for number, text, fields in rows:
        if arity == 0:
            result.add(())
            continue
        if not text:
            continue
        if len(fields) != arity:
            wrong += 1
            if not wrong_width:
                wrong_width.append((number, text, len(fields)))
            continue
        values = []
        column = 1
        for field, base, column_name in zip(fields, bases, schema.columns):
            try:
                values.append(parse_column(field, base, schema.records))
            except ValueError as exc:
                diagnostics.append(error(f"column `{column_name}` of `{schema.name}`: {exc}",
                                         _line_span(name, number, text, column, max(1, len(field)))))
            column += len(field) + len(delimiter)
        if len(values) == arity:
            result.add(tuple(values))
        if len(diagnostics) >= MAX_ROW_ERRORS:
            diagnostics.append(error(f"too many errors in {name}; stopping here"))
            break
    if wrong_width:
        number, text, found = wrong_width[0]
        others = f" ({wrong:,} rows of {name} have the wrong number of columns)" if wrong > 1 else ""
        diagnostics.insert(0, error(
            f"expected {arity} column{'s' if arity != 1 else ''} for `{schema.name}`, found {found}{others}",
            _line_span(name, number, text, 1, max(1, len(text))),
            f"columns are separated by {'a tab' if delimiter == chr(9) else repr(delimiter)}; "
            f"the signature is {schema.signature()}"))
    if diagnostics:
        raise LoadError(diagnostics)
    return result


def parse_facts(source: SourceText, schema: RelationSchema, delimiter: str = "\t",
                headers: bool = False) -> set[tuple]:
    """The tuples of fact-file text held in memory (see `parse_rows`)."""
    lines = enumerate(source.text.split("\n"), start=1)
    if headers:
        next(lines, None)
    rows = ((n, t.rstrip("\r"), t.rstrip("\r").split(delimiter)) for n, t in lines)
    return parse_rows(source.name, rows, schema, delimiter)



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
    """Where a row of a `.input` fact file is written (None if the file no longer holds it, or
    the facts came from standard input)."""
    if str(_options(directive).get("io", "file")).lower() == "stdin":
        return None
    try:
        name, rows = _input_rows(directive, schema, fact_dir, None)
        try:
            for number, text, fields in rows:
                if len(fields) != schema.arity:
                    continue
                try:
                    values = tuple(parse_column(f, b, schema.records)
                                   for f, b in zip(fields, schema.bases))
                except ValueError:
                    continue
                if values == row:
                    return _line_span(name, number, text, 1, max(1, len(text)))
        finally:
            rows.close()  # type: ignore[attr-defined]
    except (LoadError, OSError):
        return None
    return None
