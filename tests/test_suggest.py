"""'Did you mean' (reasoner/suggest.py): one policy for every unknown name."""

from __future__ import annotations

from pathlib import Path

from reasoner.suggest import STRICT, closest, did_you_mean

REASONER = Path(__file__).resolve().parents[1] / "reasoner"


def test_one_letter_off_is_close_and_an_unrelated_word_is_not() -> None:
    assert did_you_mean("relation", ["relations", "rules", "reset"]) == "did you mean `relations`?"
    assert did_you_mean("frobnicate", ["format", "facts", "plot"]) is None
    assert did_you_mean("evnt", ["event", "actor"]) == "did you mean `event`?"


def test_case_does_not_count_and_the_suggestion_is_spelled_as_known() -> None:
    assert closest("usa", ["USA", "RUS"]) == ["USA"]
    assert did_you_mean("Event", ["event"]) == "did you mean `event`?"
    assert did_you_mean("DELIMITER", ["delimiter", "filename"]) == "did you mean `delimiter`?"


def test_the_closest_first_and_ties_alphabetical() -> None:
    assert closest("abcd", ["abcx", "abxx", "abcd1"], n=3) == ["abcd1", "abcx"]  # abxx: 0.5
    assert closest("ab", ["ay", "ax", "cd"], n=3, cutoff=0.5) == ["ax", "ay"]
    assert did_you_mean("mett", ["meet", "met", "melt", "mend"], n=3) == \
        "did you mean `met`, `meet` or `melt`?"


def test_strict_closeness_for_words_that_may_not_be_names() -> None:
    assert closest("Moskow", ["Moscow"], cutoff=STRICT) == ["Moscow"]
    assert closest("Mascaw", ["Moscow"]) == ["Moscow"] and closest("Mascaw", ["Moscow"], cutoff=STRICT) == []


def test_no_other_module_computes_its_own_suggestions() -> None:
    users = sorted(str(p.relative_to(REASONER)) for p in REASONER.rglob("*.py")
                   if "difflib" in p.read_text(encoding="utf-8"))
    assert users == ["suggest.py"]
