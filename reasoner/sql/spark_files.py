"""Files on the Spark backend (`SparkBackend.read_file`, `write_file`).

Reading: a Parquet file (`format=parquet`, or a `.parquet` name) is read by Spark itself, so on
a cluster the path is one every executor sees (HDFS, S3, a shared disk). Its columns are taken
by position, each value cast to its column's type; a file of another width, or a value that
does not fit (NULL, another syntax, a number beyond the 32-bit range of fact files), is a
`BadFile` naming the file. Delimited text is left to the Python engine's reader (`NotPlain`),
which gives that engine's facts and diagnostics (file:line:column).

Writing: delimited text as the Python engine writes it (rows sorted, values printed by its
writer, `headers=true` naming the columns), the rows brought to the driver, which writes the
one file; Parquet written by Spark's executors (a Parquet folder, Spark's form), columns named
as the relation's; JSON one object per line keyed by the column names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from reasoner.facts_io import sort_key, write_csv
from reasoner.sql.backend import column_names
from reasoner.sql.files import BadFile, NotPlain, file_format
from reasoner.types import NUMBER_MAX, NUMBER_MIN, UNSIGNED_MAX


def parquet_rows(spark: Any, path: Path, types: Sequence[str], schema: str,
                 options: dict[str, object]) -> tuple[Any, str]:
    """The rows of a Parquet file typed as the table's `schema` (`c0 BIGINT, ...`), and the
    condition a row that does not fit meets."""
    if file_format(path, options) != "parquet":
        raise NotPlain(str(path))
    try:
        frame = spark.read.parquet(str(path))
    except Exception as exc:  # Spark's AnalysisException: no such file, not Parquet
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadFile(f"cannot read {path} as Parquet: {text}") from None
    width = max(len(types), 1)
    if len(frame.columns) != width:
        raise BadFile(f"{path} has {len(frame.columns)} column{'s' if len(frame.columns) != 1 else ''}, "
                      f"the relation {width}")
    wanted = [column.split(" ") for column in schema.split(", ")]
    quoted = [exp.to_identifier(source, quoted=True).sql(dialect="spark") for source in frame.columns]
    typed = frame.selectExpr(*(f"TRY_CAST({source} AS {kind}) AS {target}"
                               for source, (target, kind) in zip(quoted, wanted)))
    bad = [f"{target} IS NULL" for target, _ in wanted]
    columns = column_names(len(types))
    bad += [f"{c} NOT BETWEEN {NUMBER_MIN} AND {NUMBER_MAX}" for c, t in zip(columns, types) if t == "number"]
    bad += [f"{c} NOT BETWEEN 0 AND {UNSIGNED_MAX}" for c, t in zip(columns, types) if t == "unsigned"]
    return typed, " OR ".join(bad)


def check_fit(frame: Any, bad: str, path: Path) -> None:
    """A `BadFile` naming a row of `frame` that meets `bad`, if there is one."""
    unfit = frame.where(bad).limit(1).collect()
    if unfit:
        raise BadFile(f"{path}: the row {tuple(unfit[0])} does not fit the relation "
                      f"(a value missing, of another type or out of range)")


def write_rows(frame: Any, columns: Sequence[str], path: Path, options: dict[str, object]) -> None:
    """Write `frame` (columns `columns`) to `path` as the options say (see the docstring)."""
    given = options.get("column names")
    labels = [str(label) for label in given] if isinstance(given, (list, tuple)) else []
    labels = labels if len(labels) == len(columns) else list(columns)
    kind = file_format(path, options)
    if kind == "parquet":
        frame.toDF(*labels).write.mode("overwrite").parquet(str(path))
        return
    rows = [tuple(row) for row in frame.toLocalIterator()]
    with open(path, "w", encoding="utf-8", newline="") as out:
        if kind == "json":
            for row in sorted(rows, key=sort_key):
                out.write(json.dumps(dict(zip(labels, row)), default=str, ensure_ascii=False) + "\n")
            return
        delimiter = str(options.get("delimiter", "\t"))
        if str(options.get("headers", "")).lower() == "true" or options.get("headers") is True:
            out.write(delimiter.join(labels) + "\n")
        write_csv(out, rows, delimiter)
