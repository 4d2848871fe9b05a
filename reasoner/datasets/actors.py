"""Canonical actor ids for machine-coded data, consistent with the corpus.

States are ISO 3166 alpha-3 codes (RUS, USA), found with `pycountry` (imported on first use:
install the `datasets` extra) from a country name (ICEWS, ACLED) or a CAMEO country code (GDELT,
mostly ISO codes already). A state the shipped corpus declares keeps the corpus's name and kind,
so imported rows and curated statements name it alike. Sub-state actors (a ministry, a party,
citizens) count as their country; their CAMEO code, name and sectors stay as event arguments.
Other actors: CAMEO known groups (the UN, NATO, the EU...) by the group's acronym or code, CAMEO
regions (EUR, AFR...) by their code, and anything else by its name made an identifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from reasoner.datasets.cameo import known_groups


@attrs.frozen
class Actor:
    id: str
    name: str
    kind: str


class UnknownCountry(ValueError):
    """A country name or code that names no country."""


# Names the datasets use that pycountry does not know (older or other spellings). Our table.
COUNTRY_NAME_ALIASES = {
    "cote d'ivoire": "CIV", "ivory coast": "CIV", "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD", "republic of congo": "COG", "holy see": "VAT",
    "vatican": "VAT", "occupied palestinian territory": "PSE", "palestine": "PSE",
    "swaziland": "SWZ", "eswatini": "SWZ", "turkey": "TUR", "macedonia": "MKD",
    "the former yugoslav republic of macedonia": "MKD", "kosovo": "XKX", "burma": "MMR",
    "czech republic": "CZE", "cape verde": "CPV", "east timor": "TLS", "russia": "RUS",
    "micronesia": "FSM", "united states of america": "USA",
}
# CAMEO country codes that are not ISO 3166 alpha-3 codes (CAMEO manual, country codes).
CAMEO_COUNTRY_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "KSV": "XKX"}
# CAMEO region codes: actors of their own, not states.
CAMEO_REGIONS = frozenset((
    "AFR", "ASA", "BLK", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM", "MEA",
    "MDT", "NAF", "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST", "CRB",
))
KOSOVO = "XKX"  # user-assigned, used by the EU and the World Bank; not in ISO 3166-1
MISSING = frozenset(("", "NA", "N/A", "NULL", "None", "null"))

# Sector words of state actors proper (ICEWS sectors, POLECAT sectors, CAMEO agent types).
STATE_SECTOR_WORDS = ("Government", "Executive", "Military", "Police", "Legislative",
                      "Judicial", "Intelligence", "Ministry", "Cabinet")
STATE_AGENT_TYPES = frozenset(("GOV", "MIL", "COP", "JUD", "LEG", "SPY"))


def _pycountry():
    try:
        import pycountry
    except ImportError:  # pragma: no cover - the extra is installed with [test] and [datasets]
        from reasoner.errors import LoadError, error

        raise LoadError(error("importing event data needs the `pycountry` package",
                              hint="pip install 'reasoner-events[datasets]'")) from None
    return pycountry


@lru_cache(maxsize=1)
def corpus_declarations() -> dict[str, tuple[Actor, str]]:
    """The actors the shipped corpus declares: id -> (the actor, its declaration's text)."""
    from reasoner.resources import data_dir

    found: dict[str, tuple[Actor, str]] = {}
    try:
        files = sorted(data_dir("corpus").glob("*.events"))
    except OSError:
        return found
    head = re.compile(r'actor\s+(\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+is\s+(\S+))?')
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            match = head.match(line)
            if not match or match.group(1) in found:
                continue
            text = [line]
            for more in lines[index + 1:]:
                if not more[:1].isspace() or not more.strip():
                    break
                text.append(more)
            actor = Actor(match.group(1), match.group(2), match.group(3) or "")
            found[actor.id] = (actor, "\n".join(text))
    return found


class ActorResolver:
    """Resolves names and codes to actors, caching each answer (a file names few actors)."""

    def __init__(self) -> None:
        self._by_name: dict[str, Actor | UnknownCountry | None] = {}
        self._by_code: dict[str, Actor | UnknownCountry | None] = {}
        self._groups_by_label: dict[str, Actor] | None = None

    @staticmethod
    def state(alpha3: str, name: str) -> Actor:
        return declared(alpha3, name, "state")

    def country_name(self, name: str) -> Actor | None:
        """The state a country name names (None for a missing value); raises UnknownCountry."""
        try:
            found = self._by_name[name]
        except KeyError:
            try:
                found = None if name.strip() in MISSING else self._lookup_name(name.strip())
            except UnknownCountry as exc:
                found = exc
            self._by_name[name] = found
        if isinstance(found, UnknownCountry):
            raise found
        return found

    def _lookup_name(self, name: str) -> Actor:
        alias = COUNTRY_NAME_ALIASES.get(name.lower())
        if alias is not None:
            return self._state_of_code(alias)
        if len(name) > 3:  # a three-letter "name" would match a code, not a name
            pycountry = _pycountry()
            try:
                country = pycountry.countries.lookup(name)
            except LookupError:
                pass
            else:
                return self.state(country.alpha_3, getattr(country, "common_name", None) or country.name)
        raise UnknownCountry(f"unknown country name {name!r}")

    def _state_of_code(self, alpha3: str) -> Actor:
        if alpha3 == KOSOVO:
            return self.state(KOSOVO, "Kosovo")
        country = _pycountry().countries.get(alpha_3=alpha3)
        if country is None:
            raise UnknownCountry(f"unknown country code {alpha3!r}")
        return self.state(country.alpha_3, getattr(country, "common_name", None) or country.name)

    def country_code(self, code: str) -> Actor | None:
        """The actor of a CAMEO country code: a state, or a CAMEO region; None when missing.
        Raises UnknownCountry for a code that is neither."""
        try:
            found = self._by_code[code]
        except KeyError:
            try:
                if code in MISSING:
                    found = None
                elif code in CAMEO_REGIONS:
                    found = declared(code, code, "region")
                else:
                    found = self._state_of_code(CAMEO_COUNTRY_CODES.get(code, code))
            except UnknownCountry as exc:
                found = exc
            self._by_code[code] = found
        if isinstance(found, UnknownCountry):
            raise found
        return found

    def iso_code(self, code: str) -> Actor | None:
        """The state of an ISO 3166 alpha-3 code (POLECAT); None when missing."""
        if code in MISSING:
            return None
        return self.country_code(code)

    def group_code(self, code: str) -> Actor:
        """A CAMEO known group (UNO, NAT...) by its code: its acronym (NATO) or code as id."""
        label = known_groups().get(code, code)
        return declared(_group_id(code, label), label, "organisation")

    def named(self, name: str, kind: str = "group") -> Actor:
        """A non-state actor by name: a CAMEO known group if its label is the name, else the
        name made an identifier."""
        if self._groups_by_label is None:
            self._groups_by_label = {
                _plain_label(label): declared(_group_id(code, label), label, "organisation")
                for code, label in known_groups().items()}
        group = self._groups_by_label.get(_plain_label(name))
        if group is not None:
            return group
        return declared(identifier(name), name, kind)


def declared(id: str, name: str, kind: str) -> Actor:
    """The actor with this id as the shipped corpus declares it, else as given."""
    found = corpus_declarations().get(id)
    return found[0] if found is not None else Actor(id, name, kind)


def _plain_label(label: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", label).strip().lower()


def _group_id(code: str, label: str) -> str:
    """NATO for "North Atlantic Treaty Organization (NATO)", else the CAMEO code."""
    match = re.search(r"\(([A-Z][A-Z0-9]{1,9})\)", label)
    return match.group(1) if match else code


def identifier(name: str) -> str:
    """A name made an identifier: runs of other characters become `_`."""
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_") or "_"


def is_state_sector(sectors: str) -> bool:
    """Whether a sector list (ICEWS, POLECAT) marks a state actor proper."""
    return any(word in sectors for word in STATE_SECTOR_WORDS)
