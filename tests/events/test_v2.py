"""Event language v2: repeated declarations across files, one attribution/modality/kind per
statement, same_as cycles, the fast reader on the new statements, and an engine left unchanged
by a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.engine import Engine
from reasoner.errors import CheckError, ReasonerError
from reasoner.events import lower, parse_events
from reasoner.events.framing import same_as_cycles
from reasoner.events.reader import read_statements
from reasoner.source import SourceText

from tests.events.test_corpus import corpus_sources

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"

ACTORS = '''actor RUS "Russia" aka Moscow, Kremlin
actor USA "United States" aka Washington
person peskov "Dmitry Peskov" of RUS as spokesperson
'''


def parse(name: str, text: str):
    return parse_events(SourceText(name, text))


# ---- repeated actor and person declarations ------------------------------------------------
def test_identical_declarations_in_another_file_are_accepted() -> None:
    second = ACTORS + 'event e1 2025-10-22 Kremlin criticize USA by peskov\n'
    result = lower([parse("a.events", ACTORS), parse("b.events", second)])
    assert sorted(result.facts["actor"]) == [("RUS", "Russia", ""), ("USA", "United States", "")]
    assert result.facts["said_by"] == [("e1", "peskov")]
    # and in a later load, on top of what an earlier one declared
    later = lower([parse("c.events", second.replace("e1", "e2"))], result.known, include_vocabulary=False)
    assert later.facts["actor"] == [] and later.facts["event"][0][3] == "RUS"


def test_identical_declaration_in_the_same_file_is_a_duplicate() -> None:
    with pytest.raises(CheckError, match="duplicate actor `RUS`"):
        lower([parse("a.events", ACTORS + 'actor RUS "Russia" aka Moscow, Kremlin\n')])


@pytest.mark.parametrize("changed, differs", [
    ('actor RUS "Russian Federation" aka Moscow, Kremlin\n', "name"),
    ('actor RUS "Russia" aka Moscow\n', "aliases"),
    ('actor USA "United States" aka Washington is state\n', "kind"),
    ('person peskov "Dmitry Peskov" of Kremlin as press_secretary\n', "affiliations"),
    ('person peskov "D. Peskov" of RUS as spokesperson\n', "name"),
])
def test_a_different_declaration_in_another_file_is_an_error(changed: str, differs: str) -> None:
    with pytest.raises(CheckError) as failure:
        lower([parse("a.events", ACTORS), parse("b.events", changed)])
    message = failure.value.render()
    assert "is declared differently at a.events:" in message
    assert f"its {differs} differ" in message
    # across loads as well
    first = lower([parse("a.events", ACTORS)])
    with pytest.raises(CheckError, match="declared differently"):
        lower([parse("b.events", changed)], first.known, include_vocabulary=False)


def test_an_alias_written_for_the_canonical_id_is_the_same_affiliation() -> None:
    same = 'person peskov "Dmitry Peskov" of Kremlin as spokesperson\n'
    lower([parse("a.events", ACTORS), parse("b.events", same)])


# ---- one attribution, modality and statement_kind per statement ------------------------------
def test_every_dated_statement_of_the_corpus_is_framed_once() -> None:
    result = lower([parse_events(s) for s in corpus_sources()])
    ids = {row[0] for relation in ("event", "precondition", "deadline", "conditional",
                                   "deadline_revision", "precondition_withdrawn")
           for row in result.facts[relation]}
    for relation in ("statement_kind", "attribution", "modality"):
        rows = [row[0] for row in result.facts[relation]]
        assert sorted(rows) == sorted(ids), relation
    assert {row[1] for row in result.facts["attribution"]} <= {"speaker", "outlet", "anonymous", "actor"}


def test_evidence_in_a_later_load_adds_no_second_attribution() -> None:
    first = lower([parse("a.events", ACTORS + 'event e1 2025-10-22 RUS criticize USA\n')])
    assert first.facts["attribution"] == [("e1", "outlet", "")]
    later = lower([parse("b.events", "evidence e1 by peskov\n    cite s1 \"q\"\nsource s1 \"T\"\n")],
                  first.known, include_vocabulary=False)
    assert later.facts["attribution"] == [] and later.facts["said_by"] == [("e1", "peskov")]


def test_revision_of_a_deadline_of_an_earlier_load() -> None:
    first = lower([parse("a.events", ACTORS + "deadline d 2025-07-14 USA to RUS demands RUS ceasefire _ due +50d\n")])
    later = lower([parse("b.events", "revision r 2025-07-28 USA of d due +10d\n")], first.known,
                  include_vocabulary=False)
    assert later.facts["deadline_revision"][0][1:] == ("d", *[later.facts["deadline_revision"][0][2]] * 2,
                                                       later.facts["deadline_revision"][0][4])
    assert later.facts["deadline_revision"][0][4].isoformat() == "2025-08-07"
    with pytest.raises(CheckError, match="unknown deadline `e`"):
        lower([parse("c.events", "revision r2 2025-07-28 USA of e due +10d\n")], later.known,
              include_vocabulary=False)


# ---- same_as cycles ---------------------------------------------------------------------------
def test_same_as_cycles() -> None:
    assert same_as_cycles({"a": "b", "b": "c"}) == []
    assert same_as_cycles({"a": "a"}) == [["a"]]
    assert same_as_cycles({"x": "b", "b": "c", "c": "b"}) == [["b", "c"]]
    assert same_as_cycles({"a": "b", "b": "a", "c": "d", "d": "c", "e": "a"}) == [["a", "b"], ["c", "d"]]


# ---- the fast reader reads the new statements itself -------------------------------------------
@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.name.startswith("v2_")))
def test_fast_reader_reads_v2_statements(case: str) -> None:
    source = SourceText("input.events", (GOLDEN / case / "input.events").read_text(encoding="utf-8"))
    assert read_statements(source, [])  # raises NotFast if it had to leave them to lark


# ---- a bad file leaves the engine unchanged -----------------------------------------------------
BAD_FILES = {
    "modality": 'event bad1 2025-10-22 RUS criticize USA mode likley\n',
    "cycle": 'event bad1 2025-10-22 RUS criticize USA same_as bad2\nevent bad2 2025-10-22 RUS criticize USA same_as bad1\n',
    "negative": 'precondition bad1 2025-10-22 RUS goal RUS meet USA only_if no _ attack RUS\n',
    "revision": 'revision bad1 2025-10-22 USA of trump_50_day due +10d\n',
    "withdrawal": 'withdrawal bad1 2025-10-22 USA of no_such_precondition\n',
    "alignment": 'alignment USA allied UKR\n',
    "declaration": 'actor RUS "Russian Federation"\nevent bad1 2025-10-22 RUS criticize USA\n',
}


@pytest.fixture(scope="module")
def corpus_engine() -> Engine:
    engine = Engine()
    engine.load(ROOT / "corpus")
    return engine


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_leaves_the_engine_unchanged(corpus_engine: Engine, case: str, tmp_path: Path) -> None:
    watched = ("event", "attribution", "modality", "statement_kind", "alignment", "actor", "same_as")
    before = corpus_engine.relations()
    contents = {name: _rows(corpus_engine, name) for name in watched}
    assert contents["event"] and contents["attribution"]
    bad = tmp_path / "bad.events"
    bad.write_text(BAD_FILES[case], encoding="utf-8")
    with pytest.raises(ReasonerError) as failure:
        corpus_engine.load(bad)
    rendered = failure.value.render()
    assert "bad.events:" in rendered and "^" in rendered
    assert corpus_engine.relations() == before
    for name in watched:
        assert _rows(corpus_engine, name) == contents[name], name


def _rows(engine: Engine, relation: str) -> set[tuple]:
    arity = engine.relations()[relation]
    names = [f"X{i}" for i in range(arity)]
    return {tuple(answer[n] for n in names) for answer in engine.query(f"{relation}({', '.join(names)})")}


# ---- the examples of docs/events.md are valid event text ----------------------------------------
def test_docs_examples_parse() -> None:
    import re

    doc = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```\n(.*?)```", doc, re.S) if not b.startswith(".decl")]
    assert len(blocks) >= 12
    for block in blocks:
        parse_events(SourceText("docs/events.md", block.replace("cite ...", 'cite s1 "q"')))
