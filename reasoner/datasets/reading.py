"""Reading data files as lines, streamed: plain text, `.gz` and `.zip` (every member in turn).

A file that cannot be opened, a truncated `.gz` or a damaged `.zip` is a `LoadError` naming the
file and the last line read. Bytes that are not UTF-8 are replaced (U+FFFD), as the datasets'
own tools do; the row is then read as usual.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from reasoner.datasets.source_rows import row_span
from reasoner.errors import LoadError, error


def data_lines(path: Path) -> Iterator[tuple[str, int, str]]:
    """(name, line number, line without its ending) of every line of a data file; `name` is
    the path, or `path:member` inside a zip archive."""
    name = str(path)
    if path.is_dir():
        raise LoadError(error(f"{name} is a directory; give the data files in it"))
    try:
        if name.endswith(".zip"):
            yield from _zip_lines(path)
        elif name.endswith(".gz"):
            with gzip.open(path, "rb") as raw:
                yield from _lines(name, raw)
        else:
            with open(path, "rb") as raw:
                yield from _lines(name, raw)
    except FileNotFoundError:
        raise LoadError(error(f"cannot open {name}: no such file")) from None
    except PermissionError:
        raise LoadError(error(f"cannot open {name}: permission denied")) from None
    except IsADirectoryError:
        raise LoadError(error(f"{name} is a directory; give the data files in it")) from None


def _zip_lines(path: Path) -> Iterator[tuple[str, int, str]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise LoadError(error(f"{path} is not a readable zip archive ({exc})",
                              hint="GDELT's daily files are .zip archives of one CSV file; "
                                   "download it again if it was cut short")) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise LoadError(error(f"{path} is an empty zip archive"))
        for member in members:
            with archive.open(member) as raw:
                yield from _lines(f"{path}:{member.filename}", raw)


def _lines(name: str, raw) -> Iterator[tuple[str, int, str]]:
    number = 0
    text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
    try:
        for number, line in enumerate(text, start=1):
            yield name, number, line.rstrip("\r\n")
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        what = "a truncated or damaged compressed file" if not isinstance(exc, EOFError) \
            else "a truncated compressed file (it ends before its end-of-stream marker)"
        raise LoadError(error(f"{name} is {what}: read {number:,} complete lines before the damage",
                              row_span(name, number + 1) if number else None,
                              "download the file again; nothing was imported")) from None
