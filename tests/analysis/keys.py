"""Analyst keys: what a careful analyst must and must not conclude from a scenario.

A key is a text file (`tests/analysis/keys/*.key`). Its first line names the scenario folder
(`scenario: corpus` for the shipped corpus, else a path relative to the repository root); then
come items, each starting with `- must: QUERY`, `- must_not: QUERY` or
`- count_at_most: N QUERY`, followed by indented `key: value` lines:

- `id:` (required) a name unique within the key, the test's id;
- `why:` (required) the article and sentence the conclusion rests on;
- `as_of:` a date: the item is judged with `as_of_setting(DATE).` added;
- `with: |` then more-indented lines: event statements added for this item (a hypothetical).

The format is read here rather than with a YAML library: it has four fields and one block.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs

KINDS = ("must", "must_not", "count_at_most")
_ITEM = re.compile(r"^- (must|must_not|count_at_most):\s*(.*)$")
_FIELD = re.compile(r"^  (id|why|as_of|with):\s*(.*)$")


class KeyFormatError(ValueError):
    """A key file that does not follow the format, with its file and line."""


@attrs.frozen
class Item:
    key: str
    line: int
    kind: str
    query: str
    id: str
    why: str
    as_of: dt.date | None = None
    with_events: str = ""
    limit: int = 0

    def setup(self) -> tuple[dt.date | None, str]:
        """What the engine must hold besides the scenario: items with equal setups share one."""
        return self.as_of, self.with_events


@attrs.frozen
class Key:
    path: Path
    scenario: str
    items: tuple[Item, ...]


def read_key(path: Path) -> Key:
    lines = path.read_text(encoding="utf-8").splitlines()
    scenario = ""
    items: list[dict] = []
    block: dict | None = None  # the item whose `with:` block is being read
    for number, line in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        if block is not None:
            if line.startswith("    ") or not line.strip():
                block["with"] += line[4:] + "\n"
                continue
            block = None
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("scenario:"):
            scenario = line.split(":", 1)[1].strip()
        elif match := _ITEM.match(line):
            kind, query = match.groups()
            limit = 0
            if kind == "count_at_most":
                count, _, query = query.partition(" ")
                if not count.isdigit():
                    raise KeyFormatError(f"{where}: count_at_most needs a number before the query")
                limit = int(count)
            items.append({"kind": kind, "query": query.strip(), "line": number, "with": "",
                          "limit": limit})
        elif match := _FIELD.match(line):
            if not items:
                raise KeyFormatError(f"{where}: a field before the first item")
            name, value = match.groups()
            if name == "with":
                if value.strip() not in ("|", ""):
                    raise KeyFormatError(f"{where}: write `with: |` and the statements below it")
                block = items[-1]
            else:
                items[-1][name] = value.strip()
        else:
            raise KeyFormatError(f"{where}: not an item, a field or a comment: {line!r}")
    if not scenario:
        raise KeyFormatError(f"{path.name}: the first line must be `scenario: FOLDER`")
    return Key(path, scenario, tuple(_item(path, fields) for fields in items))


def _item(path: Path, fields: dict) -> Item:
    where = f"{path.name}:{fields['line']}"
    for required in ("id", "why"):
        if not fields.get(required):
            raise KeyFormatError(f"{where}: the item has no `{required}:`")
    as_of = None
    if fields.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(fields["as_of"])
        except ValueError:
            raise KeyFormatError(f"{where}: as_of is not a date: {fields['as_of']!r}") from None
    return Item(path.stem, fields["line"], fields["kind"], fields["query"], fields["id"],
                fields["why"], as_of, fields["with"], fields["limit"])
