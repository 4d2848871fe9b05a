"""The verb table: complete for the corpus and the required verbs, and true to GDELT's tables."""

from __future__ import annotations

from pathlib import Path

from reasoner.events import load_vocabulary
from reasoner.events.schema import BY_NAME

REQUIRED = (
    "meet", "negotiate", "call", "sign_agreement", "ceasefire", "threaten", "demand", "accuse",
    "reject", "cancel_meeting", "postpone_meeting", "impose_sanctions", "ease_sanctions",
    "lift_sanctions", "pause_aid", "resume_aid", "expel_diplomats", "attack", "criticize",
)
PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE",
    "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
    "ASSAULT", "NONE",
}


def read_table(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="latin-1").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if line.strip())


def test_required_verbs_present() -> None:
    vocabulary = load_vocabulary()
    assert [v for v in REQUIRED if v not in vocabulary] == []
    assert len(vocabulary) >= 60


def test_codes_and_scores_match_gdelt(cameo_dir: Path) -> None:
    cameo = cameo_dir
    labels = read_table(cameo / "CAMEO.eventcodes.txt")
    scores = read_table(cameo / "CAMEO.goldsteinscale.txt")
    for verb in load_vocabulary():
        assert verb.cameo in labels, verb
        assert verb.goldstein == float(scores[verb.cameo]), verb
        root = int(verb.cameo[:2])
        quad = 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4
        assert verb.quad == quad, verb
        assert verb.plover in PLOVER, verb


def test_verb_facts_fit_schema() -> None:
    relation = BY_NAME["verb"]
    for verb in load_vocabulary():
        assert len(verb.fact()) == relation.arity


def test_verbs_doc_lists_every_verb() -> None:
    from reasoner.resources import data_dir

    doc = (data_dir("rules") / "verbs.md").read_text(encoding="utf-8")
    assert [v.verb for v in load_vocabulary() if f"| `{v.verb}` |" not in doc] == []
