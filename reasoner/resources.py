"""Where the shipped grammars, rule library and corpus live.

In a wheel they are packaged under `reasoner/_data/`; in a source checkout (editable install,
tests) they are the top-level `grammar/`, `rules/` and `corpus/` folders, `data/cameo/` (the CAMEO
tables) and `corpus/articles/` (the corpus's article texts). Either way callers
ask for them by kind and never build paths themselves; messages name the shipped files from the
data root (`display_path`).
"""

from __future__ import annotations

import functools
import os
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


@functools.lru_cache(maxsize=1)
def _shipped_folders() -> tuple[tuple[str, str], ...]:
    """(folder + separator, the name it is shown by) for the shipped rules and corpus."""
    return tuple((str(data_dir(kind)) + os.sep, kind + "/") for kind in ("rules", "corpus"))


def display_path(name: str) -> str:
    """A file name as messages and proofs show it: a file of the shipped rule library or corpus
    from the data root, so that `/…/site-packages/reasoner/_data/rules/deadlines.dl` (or a
    checkout's `/…/rules/deadlines.dl`) reads `rules/deadlines.dl`; any other name unchanged."""
    for folder, shown in _shipped_folders():
        if name.startswith(folder):
            return shown + name[len(folder):].replace(os.sep, "/")
    return name


def grammar_text(name: str) -> str:
    """The text of a shipped grammar file, e.g. `grammar_text('datalog.lark')`."""
    return (data_dir("grammar") / name).read_text(encoding="utf-8")
