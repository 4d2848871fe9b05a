"""ICEWS coded event files (Harvard Dataverse, doi:10.7910/DVN/28075): tab-separated with a
header of 20 columns: Event ID, Event Date (YYYY-MM-DD), Source Name, Source Sectors, Source
Country, Event Text, CAMEO Code, Intensity, Target Name, Target Sectors, Target Country, Story ID,
Sentence Number, Publisher, City, District, Province, Country, Latitude, Longitude. Missing values
are written `NA` or left empty.

Intensity is ICEWS's own cooperation-conflict score; it differs from the CAMEO Goldstein table for
some codes (016, 022, 164), so it is kept as the event's `intensity` argument and the verb places
the event on the rules' scale.
"""

from __future__ import annotations

from reasoner.datasets.actors import Actor, ActorResolver, UnknownCountry, is_state_sector
from reasoner.datasets.base import Dates, HeaderFormat, RowError, cameo_code, number_text, present
from reasoner.datasets.cameo import quad_class, verb_table
from reasoner.datasets.records import Record

COLUMNS = ("Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
           "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
           "Target Country", "Story ID", "Sentence Number", "Publisher", "City", "District",
           "Province", "Country", "Latitude", "Longitude")
UNSPECIFIED = frozenset(("Unspecified Actor", ""))


class Icews(HeaderFormat):
    name = "icews"
    title = "ICEWS"
    required = ("Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
                "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country")

    def __init__(self) -> None:
        super().__init__()
        self.dates = Dates()
        self.verbs = verb_table()

    def parse(self, fields: list[str], resolver: ActorResolver, file: str, line: int) -> Record | str:
        if len(fields) != self.width:
            raise RowError("wrong number of columns", f"{len(fields)} columns, not {self.width} as in the header")
        get, col = self.get, self.index.__getitem__
        event = get(fields, "Event ID")
        if not event.isdigit():
            raise RowError("invalid event id", f"invalid Event ID {event!r}", col("Event ID") + 1)
        day = self.dates.iso(get(fields, "Event Date"), col("Event Date") + 1)
        code = cameo_code(get(fields, "CAMEO Code"), col("CAMEO Code") + 1)
        intensity = number_text(get(fields, "Intensity"), "intensity", col("Intensity") + 1)
        actor, actor_state = self._actor(fields, "Source", resolver)
        if actor is None:
            return "no actor (Source Name unspecified)"
        target, target_state = self._actor(fields, "Target", resolver)
        args = [("cameo", code), ("intensity", intensity), ("quad", str(quad_class(code)))]
        for key, column in (("actor_name", "Source Name"), ("actor_sectors", "Source Sectors"),
                            ("target_name", "Target Name"), ("target_sectors", "Target Sectors")):
            value = get(fields, column)
            if present(value):
                args.append((key, value))
        place = ", ".join(v for v in (get(fields, c) for c in ("City", "Province", "Country")) if present(v))
        if place:
            args.append(("place", place))
        publisher = get(fields, "Publisher")
        outlet = publisher if present(publisher) else "ICEWS"
        story, sentence = get(fields, "Story ID"), get(fields, "Sentence Number")
        quote = f"ICEWS event {event}" + (f" (story {story}, sentence {sentence})" if present(story) else "")
        return Record(f"icews_{event}", day, actor, target, self.verbs[code], code, args,
                      (f"icews:{outlet}", f"ICEWS events from {outlet}"), outlet, quote, file, line,
                      states=actor_state and (target is None or target_state))

    def _actor(self, fields: list[str], side: str, resolver: ActorResolver) -> tuple[Actor | None, bool]:
        name = self.get(fields, f"{side} Name")
        country = self.get(fields, f"{side} Country")
        try:
            state = resolver.country_name(country)
        except UnknownCountry as exc:
            raise RowError("unknown country name", str(exc), self.index[f"{side} Country"] + 1) from None
        if state is not None:
            sectors = self.get(fields, f"{side} Sectors")
            proper = name == country or (_may_be_country(name) and _safe(resolver, name) == state)
            return state, proper or is_state_sector(sectors)
        if name in UNSPECIFIED:
            return None, False
        return resolver.named(name), False


def _may_be_country(name: str) -> bool:
    return "(" not in name and len(name) > 3


def _safe(resolver: ActorResolver, name: str):
    try:
        return resolver.country_name(name)
    except UnknownCountry:
        return None
