"""The verb vocabulary: every verb maps to a CAMEO code, Goldstein score, quad class, PLOVER type.

The table ships as `rules/verbs.facts` (see `rules/verbs.md` for its origin and columns).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import attrs

from reasoner.errors import LoadError, error
from reasoner.resources import data_dir
from reasoner.source import SourceText, Span


@attrs.frozen
class Verb:
    verb: str
    cameo: str
    goldstein: float
    quad: int
    plover: str

    def fact(self) -> tuple[str, str, float, int, str]:
        return (self.verb, self.cameo, self.goldstein, self.quad, self.plover)


@attrs.frozen
class Vocabulary:
    """The known verbs by name."""

    verbs: Mapping[str, Verb]

    def __contains__(self, verb: object) -> bool:
        return verb in self.verbs

    def __iter__(self) -> Iterator[Verb]:
        return iter(self.verbs.values())

    def __len__(self) -> int:
        return len(self.verbs)

    def __getitem__(self, verb: str) -> Verb:
        return self.verbs[verb]


def vocabulary_path() -> Path:
    return data_dir("rules") / "verbs.facts"


def read_vocabulary(path: Path) -> Vocabulary:
    """Read a verb table (tab-separated: verb, cameo, goldstein, quad, plover)."""
    source = SourceText(str(path), path.read_text(encoding="utf-8"))
    verbs: dict[str, Verb] = {}
    problems = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            verb, cameo, goldstein, quad, plover = fields
            entry = Verb(verb, cameo, float(goldstein), int(quad), plover)
        except ValueError:
            problems.append(error(
                "a verb line has five tab-separated fields: verb, cameo, goldstein, quad, plover",
                Span.at(source, number, 1, len(line)),
            ))
            continue
        if verb in verbs:
            problems.append(error(f"verb `{verb}` listed twice", Span.at(source, number, 1, len(verb))))
        verbs[verb] = entry
    if problems:
        raise LoadError(problems)
    return Vocabulary(MappingProxyType(verbs))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The shipped verb vocabulary (read once per process; it is immutable)."""
    return read_vocabulary(vocabulary_path())
