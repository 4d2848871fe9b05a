from __future__ import annotations

from pathlib import Path

from reasoner.events import check_citations, parse_events
from reasoner.events.citations import normalize
from reasoner.source import SourceText

EVENTS = '''source s1 "T" file "a.txt"
source s2 "U" file "missing.txt"
source s3 "V"
event e1 2025-10-22 RUS criticize USA
    cite s1 "an “unfriendly”   act — said he"
    cite s1 "an unfriendly fact"
    cite s2 "anything"
    cite s3 "anything"
'''


def test_check_citations(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text('It is an "unfriendly"\nact - said he.', encoding="utf-8")
    parsed = parse_events(SourceText("x.events", EVENTS))
    problems = check_citations([parsed], tmp_path)
    rendered = [p.render().splitlines()[0] for p in problems]
    assert rendered == [
        "x.events:6:13: error: quote not found in article `a.txt`",
        "x.events:7:10: error: article `missing.txt` not found in " + str(tmp_path),
        "x.events:8:10: error: source `s3` names no article file",
    ]
    assert "the first 3 characters match" in problems[0].hint


def test_normalize() -> None:
    assert normalize("it’s  “x”\n— y") == "it's \"x\" - y"


def test_url_only_sources_are_not_checked(tmp_path: Path) -> None:
    text = '''source s9 "Title" url "https://example.org/a"
event e1 2025-10-22 RUS criticize USA
    cite s9 "whatever it says"
'''
    problems = check_citations([parse_events(SourceText("x.events", text))], tmp_path)
    assert [p.render().splitlines()[0] for p in problems] == [
        "x.events:3:13: warning: quote not checked: source `s9` is known only by its URL",
    ]
