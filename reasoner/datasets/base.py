"""What every format shares: the `Format` interface, bad rows (`RowError`), and reading dates,
CAMEO codes and numbers the same way for all."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from reasoner.datasets.actors import ActorResolver
from reasoner.datasets.cameo import event_codes
from reasoner.datasets.records import FactSink, Record


class RowError(ValueError):
    """A row that cannot be read: `reason` groups it in the counts, `detail` says what is
    wrong, `column` (1-based field number) is where, when known."""

    def __init__(self, reason: str, detail: str, column: int | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.column = column


class FormatError(ValueError):
    """A header or column count that does not fit the format (the whole file is refused)."""


class Format:
    """A dataset's file layout and how one of its rows becomes an event."""

    name = ""  # as given to `reasoner import`
    title = ""  # the dataset, as people name it
    delimiter = "\t"

    def layout(self) -> str:
        """The expected layout, for the message of a file that does not fit."""
        raise NotImplementedError

    def begin(self, fields: list[str]) -> bool:
        """Check a file's first line; True if it is a header (not data). Raises FormatError."""
        raise NotImplementedError

    def parse(self, fields: list[str], resolver: ActorResolver, file: str, line: int) -> Record | str:
        """The event of a data row, or the reason it is left out (a string). Raises RowError."""
        raise NotImplementedError

    def bulk(self, sink: FactSink) -> Callable[[list[str], str, int], bool] | None:
        """For a plain import (no filter, no de-duplication): a faster way to add a row's facts
        to `sink`, `emit(fields, file, line)`, True when done, False when the row needs `parse`
        (None: every row goes through `parse`)."""
        return None

    def split(self, lines: Iterator[tuple[str, int, str]]) -> Iterator[tuple[str, int, str, list[str]]]:
        """(file, line number, text, fields) of each non-empty line."""
        delimiter = self.delimiter
        for name, number, text in lines:
            if text:
                yield name, number, text, text.split(delimiter)


class HeaderFormat(Format):
    """A format whose files start with a header naming the columns (found by name, in any
    order, extra columns ignored)."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.width = 0

    def layout(self) -> str:
        sep = "tab" if self.delimiter == "\t" else "comma"
        return (f"{self.title} files are {sep}-separated with a header line naming at least the "
                f"columns: {', '.join(self.required)}")

    def begin(self, fields: list[str]) -> bool:
        names = [f.strip().strip('"').lstrip("\ufeff") for f in fields]
        missing = [c for c in self.required if c not in names]
        if missing:
            raise FormatError(f"the header lacks {len(missing)} column{'s' if len(missing) != 1 else ''} "
                              f"of {self.title}: {', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''}")
        self.index = {n: i for i, n in reversed(list(enumerate(names)))}
        self.width = len(names)
        return True

    def get(self, fields: list[str], column: str) -> str:
        index = self.index.get(column)
        return fields[index].strip() if index is not None and index < len(fields) else ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Dates:
    """Dates read from text, cached (a file holds few distinct days)."""

    def __init__(self) -> None:
        self.known: dict[str, dt.date] = {}  # text -> the valid date it is

    def compact(self, text: str, column: int) -> dt.date:
        """YYYYMMDD (GDELT)."""
        try:
            return self.known[text]
        except KeyError:
            pass
        if len(text) != 8 or not text.isdigit():
            raise RowError("invalid date", f"invalid date {text!r}: GDELT dates are YYYYMMDD", column)
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError as exc:
            raise RowError("invalid date", f"invalid date {text!r}: {exc}", column) from None
        self.known[text] = day
        return day

    def iso(self, text: str, column: int, also: tuple[str, ...] = ()) -> dt.date:
        """YYYY-MM-DD (a time after it is ignored), or one of the strptime formats `also`."""
        try:
            return self.known[text]
        except KeyError:
            pass
        day = None
        if _ISO_DATE.match(text):
            try:
                day = dt.date.fromisoformat(text[:10])
            except ValueError as exc:
                raise RowError("invalid date", f"invalid date {text!r}: {exc}", column) from None
        else:
            for pattern in also:
                try:
                    day = dt.datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
        if day is None:
            raise RowError("invalid date", f"invalid date {text!r}: expected YYYY-MM-DD", column)
        self.known[text] = day
        return day


def cameo_code(code: str, column: int) -> str:
    """A CAMEO event code of the table, else a RowError."""
    if code not in event_codes():
        raise RowError("unknown CAMEO event code", f"unknown CAMEO event code {code!r}", column)
    return code


def number_text(text: str, what: str, column: int, integer: bool = False) -> str:
    """A number's text as the dataset writes it (checked), for an event argument."""
    try:
        int(text) if integer else float(text)
    except ValueError:
        raise RowError(f"invalid {what}", f"invalid {what} {text!r}: expected a number", column) from None
    return text


def present(value: str) -> bool:
    return value not in ("", "NA", "N/A", "NULL", "null", "None")
