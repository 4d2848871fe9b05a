"""`write_outputs` of a SQL engine: the `.output` files written by the database itself.

A file output (`IO=file`, the default, with an output directory) is written by the backend
(`Backend.write_file`: DuckDB's `COPY`, see `reasoner.sql.files`) to a temporary file next to its
target; the targets are replaced only when every output was written (`files.OutputFiles`), so a
failure leaves every previous output as it was. What the Python engine prints (`IO=stdout`, no
output directory, `.printsize`), the outputs of a relation without columns, and every output of
an engine in sandbox mode go through the Python engine's writer (`reasoner.facts_io`), with the
rows read from the table: those are the small cases, and the writer's checks are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reasoner import ast
from reasoner.errors import LoadError, error
from reasoner.facts_io import _delimiter, _options, _stage_output
from reasoner.files import OutputFiles, Sandbox
from reasoner.program import RelationSchema
from reasoner.sql.files import file_format

if TYPE_CHECKING:
    from reasoner.sql.engine import SqlEngine


def write_outputs(engine: SqlEngine, output_dir: Path | None, stdout: TextIO | None = None,
                  sandbox: Sandbox | None = None) -> None:
    """Write the engine's `.output` and `.printsize` relations, all or none (see the docstring)."""
    stdout = stdout if stdout is not None else sys.stdout
    state = engine.state
    printed: list[str] = []
    with OutputFiles() as files:
        for directive in state.program.directives:
            if directive.kind not in ("output", "printsize"):
                continue
            schema = state.schemas[directive.relation]
            if _by_database(directive, schema, output_dir, sandbox):
                assert output_dir is not None
                _stage(engine, files, directive, schema, output_dir)
            else:
                printed.append(_stage_output(files, directive, schema, engine.relation(directive.relation),
                                             output_dir, sandbox))
        try:
            files.commit()
        except OSError as exc:
            raise LoadError(error(f"cannot write {exc.filename}: {exc.strerror}")) from None
    stdout.write("".join(printed))


def _by_database(directive: ast.IODirective, schema: RelationSchema, output_dir: Path | None,
                 sandbox: Sandbox | None) -> bool:
    options = _options(directive)
    return (directive.kind == "output" and output_dir is not None and sandbox is None and schema.arity > 0
            and str(options.get("io", "file")).lower() == "file")


def _stage(engine: SqlEngine, files: OutputFiles, directive: ast.IODirective, schema: RelationSchema,
           output_dir: Path) -> None:
    options = dict(_options(directive))
    name = str(options.get("filename", f"{schema.name}.csv"))
    path = Path(name) if Path(name).is_absolute() else output_dir / name
    if "\0" in name:
        raise LoadError(error(f"invalid output file name {str(path)!r}", directive.span))
    options["delimiter"] = _delimiter(options, directive)
    options["column names"] = schema.columns
    options["format"] = file_format(path, options)  # of the target's name, not the temporary file's
    try:
        files.write_with(path, lambda aside: engine.backend.write_file(schema.name, aside, options))
    except OSError as exc:
        raise LoadError(error(f"cannot write {path}: {exc.strerror}", directive.span)) from None
