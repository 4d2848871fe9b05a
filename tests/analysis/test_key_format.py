"""The analyst-key reader: well-formed keys parse into items, malformed ones name the line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.analysis.keys import KeyFormatError, read_key

GOOD = """\
scenario: corpus
# comments and blank lines are skipped

- must: deadline_due("d", _, _, _, _)
  id: due
  why: 001, "a 50-day deadline"
- must_not: deadline_status("d", _, "pending")
  id: not_pending
  as_of: 2025-03-01
  with: |
    event hypo 2025-08-01 RUS ceasefire UKR
      cite s001 "quote"
  why: before it was issued
- count_at_most: 3 act(E, _, _, _, _, _)
  id: few
  why: three acts at most
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "k.key"
    path.write_text(text, encoding="utf-8")
    return path


def test_items_with_setup_and_blocks(tmp_path: Path) -> None:
    key = read_key(write(tmp_path, GOOD))
    assert key.scenario == "corpus"
    assert [(i.kind, i.id, i.line) for i in key.items] == [
        ("must", "due", 4), ("must_not", "not_pending", 7), ("count_at_most", "few", 14)]
    assert key.items[1].as_of == dt.date(2025, 3, 1)
    assert key.items[1].with_events == 'event hypo 2025-08-01 RUS ceasefire UKR\n  cite s001 "quote"\n'
    assert key.items[2].limit == 3 and key.items[2].query == "act(E, _, _, _, _, _)"
    assert key.items[0].setup() == (None, "")


@pytest.mark.parametrize(("text", "message"), [
    ("- must: p(X)\n  id: a\n  why: b\n", "the first line must be `scenario: FOLDER`"),
    ("scenario: corpus\n- must: p(X)\n  why: b\n", "k.key:2: the item has no `id:`"),
    ("scenario: corpus\n- must: p(X)\n  id: a\n", "k.key:2: the item has no `why:`"),
    ("scenario: corpus\n- must: p(X)\n  id: a\n  why: b\n  as_of: 2025-13-01\n", "as_of is not a date"),
    ("scenario: corpus\n- count_at_most: p(X)\n  id: a\n  why: b\n", "k.key:2: count_at_most needs a number"),
    ("scenario: corpus\n  id: a\n", "k.key:2: a field before the first item"),
    ("scenario: corpus\nmust p(X)\n", "k.key:2: not an item, a field or a comment"),
])
def test_malformed_keys_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_key(write(tmp_path, text))
