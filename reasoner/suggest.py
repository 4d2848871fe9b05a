"""'Did you mean': the known names closest to a misspelt one, by one policy for the whole program.

Every error that names something unknown (a relation, a command, an actor, a verb, an `.input`
option, a question...) suggests the closest known names through this module, so that the same
typo gets the same help everywhere.

The policy:

- closeness is difflib's similarity ratio (twice the matched characters over both lengths), with
  case ignored: `usa` finds `USA`, `Event` finds `event`; the suggestion is spelled as known;
- a known name is close when its ratio is at least `CUTOFF` (0.6: one wrong, missing or extra
  letter in a name of four or more letters, two in one of seven or more);
- where the word may not have been meant as a name at all (the first of a question's free words,
  the capitalised words of a sentence), callers ask for `STRICT` (0.75) closeness instead, so that
  an ordinary word is not "corrected" into a name;
- the closest come first; equally close names in alphabetical order.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
STRICT = 0.75


def closest(word: str, known: Iterable[str], n: int = 1, cutoff: float = CUTOFF) -> list[str]:
    """Up to `n` names of `known` close to `word`, the closest first (see the module's policy)."""
    spelled: dict[str, str] = {}
    for name in sorted(set(known)):
        spelled.setdefault(name.lower(), name)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word.lower())
    scored = []
    for lowered, name in spelled.items():
        matcher.set_seq1(lowered)
        if (matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff
                and (ratio := matcher.ratio()) >= cutoff):
            scored.append((-ratio, name))
    return [name for _, name in sorted(scored)[:n]]


def did_you_mean(word: str, known: Iterable[str], n: int = 1, cutoff: float = CUTOFF) -> str | None:
    """A hint naming the names of `known` closest to `word` ("did you mean `x`?", "did you mean
    `x`, `y` or `z`?"), or None when none is close."""
    close = closest(word, known, n, cutoff)
    if not close:
        return None
    names = [f"`{name}`" for name in close]
    if len(names) == 1:
        return f"did you mean {names[0]}?"
    return "did you mean " + ", ".join(names[:-1]) + f" or {names[-1]}?"
