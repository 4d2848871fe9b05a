"""`.input` and `.output` files read and written by DuckDB itself, with Soufflé's options.

Reading (`read_file`, what `DuckDBBackend.read_file` does): a delimited text file (`delimiter`,
`headers`, `columns="4:7"`, `rfc4180`, `compress`) is scanned by DuckDB's CSV reader with every
field as text into a temporary table; each field is checked against the plain syntax of its type
(`-12`, `3.5`, `2025-10-22`, any text for a symbol) and converted in SQL; the rows go into the
relation's table without becoming Python tuples. Parquet (`format=parquet`, or a `.parquet` file
name) is read by position, JSON (`format=json`, or `.json`/`.jsonl`/`.ndjson`: one object per
row, keyed by the relation's column names) by name, each value cast to its column's type (a
column already of that type, e.g. Parquet VARCHAR or DATE, read as it is). The file's rows are
made distinct once, in the statement that inserts them; only a table holding rows already (a
second file of the relation) is compared with them too (`EXCEPT`).

Anything the SQL path does not decide alone raises `NotPlain`: a field in another syntax (`0x1f`,
`1_000`, a number out of the 32-bit range, a wrong-width row, a malformed CSV quote). The caller
(`reasoner.sql.inputs`) then reads that file with the Python engine's reader, which gives the
same facts or the same diagnostic (file:line:column) as the Python engine, so the two engines
never disagree about a file.

Writing (`write_file`): `COPY` of the relation's rows in sorted order, floats printed as Soufflé
prints them (`%.9g` of the 32-bit value), dates as `YYYY-MM-DD`, `headers=true` naming the
columns; Parquet and JSON when asked for (`format=`, or the file name's extension). The file is
written to the path given: `reasoner.sql.inputs.write_outputs` gives a temporary file next to the
target and renames every output into place once all were written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reasoner.sql.backend import COLUMN_TYPES, column_names
from reasoner.types import NUMBER_MAX, NUMBER_MIN, UNSIGNED_MAX

# The plain syntax of a field of each base type: what the SQL path converts by itself.
_PLAIN = {
    "number": r"^\s*[+-]?[0-9]{1,10}\s*$",
    "unsigned": r"^\s*\+?[0-9]{1,10}\s*$",
    "float": r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$",
    "date": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
}
_RANGE = {"number": (NUMBER_MIN, NUMBER_MAX), "unsigned": (0, UNSIGNED_MAX)}


class NotPlain(Exception):
    """The file holds something the SQL path does not read by itself (see the module docstring)."""


class BadFile(Exception):
    """A Parquet or JSON file that does not fit the relation (its message says how)."""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_format(path: Path, options: dict[str, Any]) -> str:
    """`csv` (delimited text, Soufflé's), `parquet` or `json`: `format=` or the file name's end."""
    given = str(options.get("format", "")).lower()
    if given in ("parquet", "json"):
        return given
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return "json"
    return "csv"


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() == "true"


# ---- reading ---------------------------------------------------------------------------------


def read_file(connection: Any, name: str, types: Sequence[str], path: Path, options: dict[str, Any]) -> None:
    """Add the rows of the file at `path` to table `name` (columns of base `types`). `options`:
    Soufflé's, with `delimiter` unescaped, `columns` a list of field numbers and `column names`
    the relation's. Raises `NotPlain` (see the module docstring) before changing anything.

    The file is checked first on a cursor of its own (a DuckDB error inside the load's
    transaction would abort it), then read into the table."""
    kind = file_format(path, options)
    cursor = connection.cursor()
    if kind == "csv":
        rows, checks = _text_rows(types, path, options)
        values = [_value(f"r.{field}", base) for field, base in zip(_fields(types), types)]
    else:
        rows, checks, values = _typed_rows(cursor, types, path, kind, options)
    try:
        bad = cursor.execute(f"SELECT count(*) FROM ({rows}) AS r WHERE {' OR '.join(checks) or 'false'}").fetchone()[0]
    except Exception as exc:  # a wrong-width row, bad quoting, not UTF-8, not gzip...
        if kind != "csv":
            raise BadFile(f"cannot read {path}: {_first_line(exc)}") from None
        raise NotPlain(_first_line(exc)) from None
    finally:
        cursor.close()
    if bad and kind != "csv":
        raise BadFile(f"{bad:,} row{'s' if bad != 1 else ''} of {path} do not fit the relation's columns "
                      "(a missing value, or one not of its column's type)")
    if bad:
        raise NotPlain(f"{bad} rows of {path} need the Python reader")
    # The table is a set: the file's rows made distinct once, and only when the table holds rows
    # already (another file of the relation) compared with those (EXCEPT hashes them all again).
    query = f"SELECT DISTINCT {', '.join(values)} FROM ({rows}) AS r"
    held = connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]
    if held:
        query += f" EXCEPT SELECT * FROM {_quoted(name)}"
    connection.execute(f"INSERT INTO {_quoted(name)} {query}")


def _fields(types: Sequence[str]) -> list[str]:
    return [f"v{i}" for i in range(len(types))]


def _value(field: str, base: str) -> str:
    if base == "symbol":
        return field
    return f"CAST(trim({field}) AS {COLUMN_TYPES[base]})"


def _text_rows(types: Sequence[str], path: Path, options: dict[str, Any]) -> tuple[str, list[str]]:
    """A query of a delimited file's rows (fields `v0, v1...` as text, blank lines left out) and
    the conditions that make a row need the Python reader: a wrong width, a field not in its
    type's plain syntax or out of its range."""
    picked: list[int] = list(options.get("columns") or range(len(types)))
    width = max(picked) + 1 if "columns" in options else len(types)
    # One field more than read: a row of too many fields has it. Empty fields are '' (nullstr is
    # a character no text file has), fields missing from a short row NULL.
    fields = [f"f{i}" for i in range(width + 1)]
    rfc4180 = _truthy(options.get("rfc4180", False))
    settings = ", ".join([
        f"delim = {_literal(str(options.get('delimiter', chr(9))))}",
        f"header = {'true' if _truthy(options.get('headers', False)) else 'false'}",
        f"quote = {_literal(chr(34) if rfc4180 else '')}", f"escape = {_literal(chr(34) if rfc4180 else '')}",
        "columns = {" + ", ".join(f"{_literal(f)}: 'VARCHAR'" for f in fields) + "}",
        "auto_detect = false", "null_padding = true", "strict_mode = false", "nullstr = '\x01'",
        f"compression = {_literal('gzip' if _truthy(options.get('compress', False)) else 'none')}",
    ])
    blank = f"f0 = '' AND {fields[1]} IS NULL"
    used = [fields[i] for i in picked]
    selected = ", ".join(f"{field} AS v{i}" for i, field in enumerate(used))
    rows = (f"SELECT {selected}, {fields[-1]} AS extra, f{width - 1} AS last "
            f"FROM read_csv({_literal(str(path))}, {settings}) WHERE NOT ({blank})")
    checks = ["last IS NULL"] if "columns" in options else ["extra IS NOT NULL", "last IS NULL"]
    for field, base in zip(_fields(types), types):
        if base == "symbol":
            checks.append(f"{field} IS NULL")
            continue
        plain = _literal(_PLAIN[base])
        checks.append(f"{field} IS NULL OR NOT regexp_full_match({field}, {plain})")
        if base in _RANGE:
            low, high = _RANGE[base]
            checks.append(f"regexp_full_match({field}, {plain}) AND "
                          f"NOT CAST(trim({field}) AS HUGEINT) BETWEEN {low} AND {high}")
        elif base == "date":
            checks.append(f"regexp_full_match({field}, {plain}) AND TRY_CAST(trim({field}) AS DATE) IS NULL")
    return rows, checks


# The column types of a Parquet or JSON file that hold a base type's values as they are: read
# without conversion (others go through text, as a fact file's field would: a FLOAT 0.1 is
# 0.1, not the double nearest the 32-bit value).
_SAME = {
    "symbol": ("VARCHAR",),
    "number": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT", "UBIGINT"),
    "float": ("DOUBLE",),
    "date": ("DATE",),
}
_SAME["unsigned"] = _SAME["number"]


def _typed_rows(cursor: Any, types: Sequence[str], path: Path, kind: str,
                options: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """A query of a Parquet (columns by position) or JSON (keys by the relation's column names)
    file's rows as fields `v0, v1...`, the conditions that make a row not fit, and each field's
    value in its column's type; a file of the wrong shape is a `BadFile`. A field whose file
    type holds the base type's values (`_SAME`) is read as it is; another as text, converted."""
    reader = (f"read_parquet({_literal(str(path))})" if kind == "parquet"
              else f"read_json_auto({_literal(str(path))})")
    try:
        described = [(row[0], str(row[1]).upper()) for row in
                     cursor.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except Exception as exc:
        raise BadFile(f"cannot read {path} as {kind.upper() if kind == 'json' else 'Parquet'}: "
                      f"{_first_line(exc)}") from None
    names = [name for name, _ in described]
    if kind == "parquet":
        if len(names) != len(types):
            raise BadFile(f"{path} has {len(names)} column{'s' if len(names) != 1 else ''}, "
                          f"the relation {len(types)}")
        sources = names
    else:
        sources = list(options.get("column names") or column_names(len(types)))
        missing = [n for n in sources if n not in names]
        if missing:
            raise BadFile(f"the objects of {path} have no key `{missing[0]}`")
    file_types = dict(described)
    fields, checks, values = [], [], []
    for i, (source, base) in enumerate(zip(sources, types)):
        field = f"v{i}"
        same = file_types[source] in _SAME[base]
        fields.append(f"{_quoted(source) if same else f'CAST({_quoted(source)} AS VARCHAR)'} AS {field}")
        checks.append(f"{field} IS NULL")
        if same:
            values.append(f"CAST(r.{field} AS {COLUMN_TYPES[base]})" if base in _RANGE else f"r.{field}")
            if base in _RANGE:
                low, high = _RANGE[base]
                checks.append(f"{field} NOT BETWEEN {low} AND {high}")
            continue
        values.append(_value(f"r.{field}", base))
        if base != "symbol":
            checks.append(f"TRY_CAST(trim({field}) AS {COLUMN_TYPES[base]}) IS NULL")
        if base in _RANGE:
            low, high = _RANGE[base]
            checks.append(f"TRY_CAST(trim({field}) AS HUGEINT) NOT BETWEEN {low} AND {high}")
    return f"SELECT {', '.join(fields)} FROM {reader}", checks, values


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---- writing ---------------------------------------------------------------------------------


# The base type a column of each SQL type prints as (numbers and symbols print as they are).
_PRINTED = {"DOUBLE": "float", "DATE": "date"}


def write_file(connection: Any, name: str, path: Path, options: dict[str, Any]) -> None:
    """Write table `name` to `path` as the options say (see the module docstring). `options`
    carries `column names` (the relation's, for headers, JSON keys and Parquet columns)."""
    kind = file_format(path, options)
    described = connection.execute(f"DESCRIBE {_quoted(name)}").fetchall()
    types = [_PRINTED.get(str(row[1]).upper(), "symbol") for row in described]
    columns = column_names(len(types))
    names = list(options.get("column names") or columns)
    order = ", ".join(columns)
    if kind == "csv":
        shown = [_text(c, t) for c, t in zip(columns, types)]
        delimiter = str(options.get("delimiter", "\t"))
        header = "true" if _truthy(options.get("headers", False)) else "false"
        settings = f"FORMAT csv, DELIMITER {_literal(delimiter)}, HEADER {header}, QUOTE '', ESCAPE ''"
    else:
        shown = list(columns)
        settings = "FORMAT parquet" if kind == "parquet" else "FORMAT json"
    select = ", ".join(f"{value} AS {_quoted(label)}" for value, label in zip(shown, names))
    connection.execute(f"COPY (SELECT {select} FROM {_quoted(name)} ORDER BY {order}) "
                       f"TO {_literal(str(path))} ({settings})")


def _text(column: str, base: str) -> str:
    """A column as the Python engine's fact writer prints it (`reasoner.types.format_value`)."""
    if base == "float":
        return f"printf('%.9g', CAST({column} AS FLOAT))"
    if base == "date":
        return f"strftime({column}, '%Y-%m-%d')"
    return f"CAST({column} AS VARCHAR)"
