"""POLECAT records (Harvard Dataverse, the weekly/yearly tab-separated files coded by NGEC with
the PLOVER ontology): a header naming the columns, of which we read Event ID, Event Date
(YYYY-MM-DD), Event Type (a PLOVER category), Event Mode, Event Intensity, Quad Code, Contexts,
Actor Name, Actor Country (ISO 3166 alpha-3), Primary Actor Sector, Recipient Name, Recipient
Country, Primary Recipient Sector, Placename and Source (the outlet).

The verb is the vocabulary verb of the PLOVER category (AGREE -> express_accord, ASSAULT ->
attack, an aerial ASSAULT -> aerial_attack ...); the category, mode, intensity and quad code stay
as event arguments.
"""

from __future__ import annotations

from reasoner.datasets.actors import Actor, ActorResolver, UnknownCountry, is_state_sector
from reasoner.datasets.base import Dates, HeaderFormat, RowError, number_text, present
from reasoner.datasets.records import Record

# PLOVER 2021 categories (POLECAT's Event Type) -> verb of rules/verbs.facts. Our mapping: the
# vocabulary verb whose CAMEO code is the category's general case.
PLOVER_VERBS = {
    "AGREE": "express_accord", "CONSULT": "consult", "SUPPORT": "praise", "CONCEDE": "yield",
    "COOPERATE": "cooperate_materially", "AID": "provide_aid", "RETREAT": "deescalate",
    "REQUEST": "appeal", "ACCUSE": "accuse", "REJECT": "reject", "THREATEN": "threaten",
    "PROTEST": "protest", "SANCTION": "reduce_relations", "MOBILIZE": "mobilize",
    "COERCE": "coerce", "ASSAULT": "attack",
    # PLOVER 2018 names, as in rules/verbs.facts
    "DEMAND": "demand", "DISAPPROVE": "disapprove", "INVESTIGATE": "investigate",
}
# Event modes that name a finer verb.
MODE_VERBS = {("ASSAULT", "aerial"): "aerial_attack", ("ASSAULT", "blockade"): "blockade",
              ("COERCE", "arrest"): "arrest", ("SANCTION", "expel"): "expel_diplomats",
              ("AID", "military"): "provide_military_aid", ("AID", "economic"): "provide_economic_aid",
              ("AID", "humanitarian"): "provide_humanitarian_aid", ("RETREAT", "ceasefire"): "ceasefire"}


class Polecat(HeaderFormat):
    name = "polecat"
    title = "POLECAT"
    required = ("Event ID", "Event Date", "Event Type", "Actor Name", "Actor Country",
                "Recipient Name", "Recipient Country")

    def __init__(self) -> None:
        super().__init__()
        self.dates = Dates()

    def parse(self, fields: list[str], resolver: ActorResolver, file: str, line: int) -> Record | str:
        if len(fields) < len(self.required):
            raise RowError("wrong number of columns", f"{len(fields)} columns, not {self.width} as in the header")
        get, col = self.get, self.index.__getitem__
        event = get(fields, "Event ID")
        if not event:
            raise RowError("invalid event id", "empty Event ID", col("Event ID") + 1)
        day = self.dates.iso(get(fields, "Event Date"), col("Event Date") + 1)
        plover = get(fields, "Event Type").upper()
        if plover not in PLOVER_VERBS:
            raise RowError("unknown PLOVER event type", f"unknown PLOVER event type {plover!r}",
                           col("Event Type") + 1)
        mode = get(fields, "Event Mode")
        verb = MODE_VERBS.get((plover, mode.lower()), PLOVER_VERBS[plover])
        actor, actor_state = self._actor(fields, "Actor", resolver)
        if actor is None:
            return "no actor (Actor Name empty)"
        target, target_state = self._actor(fields, "Recipient", resolver)
        args = [("plover", plover)]
        for key, column, numeric in (("mode", "Event Mode", False), ("intensity", "Event Intensity", True),
                                     ("quad", "Quad Code", True), ("contexts", "Contexts", False),
                                     ("actor_name", "Actor Name", False),
                                     ("actor_sector", "Primary Actor Sector", False),
                                     ("target_name", "Recipient Name", False),
                                     ("target_sector", "Primary Recipient Sector", False),
                                     ("place", "Placename", False)):
            value = get(fields, column)
            if present(value):
                if numeric:
                    number_text(value, key, col(column) + 1)
                args.append((key, value))
        source = get(fields, "Source")
        outlet = source if present(source) else "POLECAT"
        return Record(f"polecat_{_id(event)}", day, actor, target, verb, plover, args,
                      (f"polecat:{outlet}", f"POLECAT events from {outlet}"), outlet,
                      f"POLECAT event {event}", file, line,
                      states=actor_state and (target is None or target_state))

    def _actor(self, fields: list[str], side: str, resolver: ActorResolver) -> tuple[Actor | None, bool]:
        name = self.get(fields, f"{side} Name")
        country = self.get(fields, f"{side} Country")
        try:
            state = resolver.iso_code(country)
        except UnknownCountry as exc:
            raise RowError("unknown country code", str(exc), self.index[f"{side} Country"] + 1) from None
        if state is not None:
            return state, is_state_sector(self.get(fields, f"Primary {side} Sector")) or name == state.name
        if not present(name):
            return None, False
        return resolver.named(name), False


def _id(event: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in event)
