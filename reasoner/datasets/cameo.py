"""The CAMEO tables machine-coded event data is read against (shipped in data/cameo/), and the
verb of the vocabulary (rules/verbs.facts) each CAMEO event code maps onto (`cameo_verbs.tsv`).

Quad classes follow GDELT's convention, from the code's root: 1 verbal cooperation (01-05),
2 material cooperation (06-09), 3 verbal conflict (10-14), 4 material conflict (15-20).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from reasoner.resources import data_dir


def _table(name: str) -> dict[str, str]:
    """A two-column CAMEO lookup file (with a header line) as a dict."""
    rows: dict[str, str] = {}
    text = (data_dir("cameo") / name).read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines()[1:]:
        if "\t" in line:
            key, value = line.split("\t", 1)
            rows.setdefault(key.strip(), value.strip())
    return rows


@lru_cache(maxsize=1)
def event_codes() -> dict[str, str]:
    """CAMEO event code -> its label (310 codes, roots `01`..`20` included)."""
    return _table("CAMEO.eventcodes.txt")


@lru_cache(maxsize=1)
def goldstein_scores() -> dict[str, float]:
    """CAMEO event code -> its Goldstein score (-10..10)."""
    return {code: float(score) for code, score in _table("CAMEO.goldsteinscale.txt").items()}


@lru_cache(maxsize=1)
def known_groups() -> dict[str, str]:
    """CAMEO known-group code (UNO, NAT, EEC...) -> its label."""
    return _table("CAMEO.knowngroup.txt")


@lru_cache(maxsize=1)
def agent_types() -> dict[str, str]:
    """CAMEO actor type code (GOV, MIL, BUS...) -> its label."""
    return _table("CAMEO.type.txt")


@lru_cache(maxsize=1)
def verb_table() -> dict[str, str]:
    """CAMEO event code -> the vocabulary verb it maps onto (`cameo_verbs.tsv`)."""
    text = resources.files("reasoner.datasets").joinpath("cameo_verbs.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, verb, _how = line.split("\t")
            table[code] = verb
    return table


def quad_class(code: str) -> int:
    """The GDELT quad class of a CAMEO code (from its root; 0 for a code that is not CAMEO)."""
    try:
        root = int(code[:2])
    except ValueError:
        return 0
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 9:
        return 2
    if 10 <= root <= 14:
        return 3
    if 15 <= root <= 20:
        return 4
    return 0
