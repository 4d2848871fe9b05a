"""Where the shipped grammars, rule library and corpus live.

In a wheel they are packaged under `reasoner/_data/`; in a source checkout (editable install,
tests) they are the top-level `grammar/`, `rules/` and `corpus/` folders, `data/cameo/` (the CAMEO
tables) and `corpus/articles/` (the corpus's article texts). Either way callers
ask for them by kind and never build paths themselves.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

KINDS = ("grammar", "rules", "corpus", "cameo", "articles")


def data_dir(kind: str) -> Path:
    """The folder holding the shipped `kind` ('grammar', 'rules', 'corpus', 'cameo' or 'articles')."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}")
    if kind == "articles":  # the corpus's article texts travel with the corpus
        return data_dir("corpus") / "articles"
    packaged = resources.files("reasoner") / "_data" / kind
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent
    return checkout / "data" / kind if kind == "cameo" else checkout / kind


def grammar_text(name: str) -> str:
    """The text of a shipped grammar file, e.g. `grammar_text('datalog.lark')`."""
    return (data_dir("grammar") / name).read_text(encoding="utf-8")
