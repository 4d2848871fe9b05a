"""ACLED exports (CSV with a header, as the ACLED Explorer and API write them): event_id_cnty,
event_date (YYYY-MM-DD, or "01 June 2018" in older exports), disorder_type, event_type,
sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
country, admin1, location, source, notes, fatalities, among others.

ACLED codes political violence and protest, not CAMEO: each sub-event type is mapped onto the
CAMEO code (and so the verb and hostility rung) that describes it best (`SUB_EVENT_CODES`, our
choice). State forces (inter code 1, "Military Forces of Russia (2000-)") are their state; other
actors keep their names as ids, their ACLED actor type as kind.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from reasoner.datasets.actors import Actor, ActorResolver, UnknownCountry
from reasoner.datasets.base import Dates, HeaderFormat, RowError, number_text, present
from reasoner.datasets.cameo import quad_class, verb_table
from reasoner.datasets.records import Record, one_line

# ACLED sub-event type -> CAMEO event code (our mapping; ACLED codebook 2023 for the types).
SUB_EVENT_CODES = {
    "Armed clash": "190", "Government regains territory": "192",
    "Non-state actor overtakes territory": "192",
    "Air/drone strike": "195", "Shelling/artillery/missile attack": "194",
    "Remote explosive/landmine/IED": "183", "Suicide bomb": "1831", "Grenade": "190",
    "Chemical weapon": "2041",
    "Attack": "182", "Sexual violence": "1821", "Abduction/forced disappearance": "181",
    "Peaceful protest": "141", "Protest with intervention": "141",
    "Excessive force against protesters": "175",
    "Violent demonstration": "145", "Mob violence": "145",
    "Agreement": "057", "Arrests": "173", "Change to group/activity": "010",
    "Disrupted weapons use": "150", "Headquarters or base established": "154",
    "Looting/property destruction": "1712", "Non-violent transfer of territory": "192",
    "Other": "010",
}
# When the sub-event type is unknown, the event type's general code.
EVENT_CODES = {"Battles": "190", "Explosions/Remote violence": "190",
               "Violence against civilians": "180", "Protests": "141", "Riots": "145",
               "Strategic developments": "010"}
# ACLED actor types (inter codes).
INTER_KINDS = {"1": "state_forces", "2": "rebel_group", "3": "political_militia",
               "4": "identity_militia", "5": "rioters", "6": "protesters", "7": "civilians",
               "8": "external_force"}
STATE_FORCES = re.compile(r"(?:Military|Police) Forces of (.+?)(?: \([^)]*\))*$")


class Acled(HeaderFormat):
    name = "acled"
    title = "ACLED"
    delimiter = ","
    required = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1",
                "inter1", "actor2", "inter2", "country", "fatalities")

    def __init__(self) -> None:
        super().__init__()
        self.dates = Dates()
        self.verbs = verb_table()

    def split(self, lines: Iterator[tuple[str, int, str]]) -> Iterator[tuple[str, int, str, list[str]]]:
        """CSV rows (a quoted field may hold commas and line breaks)."""
        position: dict[str, Any] = {"name": "", "number": 0}

        def texts() -> Iterator[str]:
            for name, number, text in lines:
                position["name"], position["number"] = name, number
                yield text + "\n"

        reader = csv.reader(texts())
        while True:
            start = position["number"] + 1  # the line the next record starts on
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise RowError("unreadable CSV", f"unreadable CSV at line {position['number']}: {exc}") from None
            if fields:
                yield position["name"], start, ",".join(fields)[:500], fields

    def parse(self, fields: list[str], resolver: ActorResolver, file: str, line: int) -> Record | str:
        if len(fields) != self.width:
            raise RowError("wrong number of columns", f"{len(fields)} columns, not {self.width} as in the header")
        get, col = self.get, self.index.__getitem__
        event = get(fields, "event_id_cnty")
        if not event:
            raise RowError("invalid event id", "empty event_id_cnty", col("event_id_cnty") + 1)
        day = self.dates.iso(get(fields, "event_date"), col("event_date") + 1,
                             also=("%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"))
        kind, sub = get(fields, "event_type"), get(fields, "sub_event_type")
        code = SUB_EVENT_CODES.get(sub) or EVENT_CODES.get(kind)
        if code is None:
            raise RowError("unknown ACLED event type", f"unknown ACLED event type {kind!r} / {sub!r}",
                           col("sub_event_type") + 1)
        try:
            country = resolver.country_name(get(fields, "country"))
        except UnknownCountry as exc:
            raise RowError("unknown country name", str(exc), col("country") + 1) from None
        fatalities = number_text(get(fields, "fatalities") or "0", "fatalities", col("fatalities") + 1,
                                 integer=True)
        actor, actor_state = self._actor(fields, "1", country, resolver)
        if actor is None:
            return "no actor (actor1 empty)"
        target, target_state = self._actor(fields, "2", country, resolver)
        args = [("event_type", kind), ("sub_event_type", sub), ("fatalities", fatalities),
                ("quad", str(quad_class(code)))]
        for key, column in (("disorder_type", "disorder_type"), ("actor_name", "actor1"),
                            ("target_name", "actor2"), ("place", "location")):
            value = get(fields, column)
            if present(value):
                args.append((key, value))
        source = get(fields, "source")
        outlet = source if present(source) else "ACLED"
        notes = get(fields, "notes")
        quote = f"ACLED event {event}" + (f": {one_line(notes)}" if present(notes) else "")
        return Record(f"acled_{_id(event)}", day, actor, target, self.verbs[code], sub or kind, args,
                      (f"acled:{outlet}", f"ACLED events from {outlet}"), outlet, quote, file, line,
                      states=actor_state and (target is None or target_state))

    def _actor(self, fields: list[str], side: str, country: Actor | None,
               resolver: ActorResolver) -> tuple[Actor | None, bool]:
        name = self.get(fields, f"actor{side}")
        if not present(name):
            return None, False
        inter = self.get(fields, f"inter{side}")
        if inter == "1" or name.startswith(("Military Forces of", "Police Forces of")):
            match = STATE_FORCES.match(name)
            if match:
                try:
                    return resolver.country_name(match.group(1)), True
                except UnknownCountry:
                    pass
            if country is not None:
                return country, True
        return resolver.named(name, INTER_KINDS.get(inter, "group")), False


def _id(event: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in event)
