"""GDELT event files: 1.0 (daily and backfile exports, 57 columns before April 2013 and 58 with
SOURCEURL after) and 2.0 (61 columns: ADM2 codes for the three geographies, DATEADDED with the
time). Tab-separated, no header (a first line starting GLOBALEVENTID is taken as one).

Layout (GDELT 1.0 event codebook; 2.0 adds `*Geo_ADM2Code` after each `*Geo_ADM1Code`):
GLOBALEVENTID SQLDATE MonthYear Year FractionDate, Actor1Code Actor1Name Actor1CountryCode
Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code Actor1Religion2Code Actor1Type1Code
Actor1Type2Code Actor1Type3Code, the same ten for Actor2, IsRootEvent EventCode EventBaseCode
EventRootCode QuadClass GoldsteinScale NumMentions NumSources NumArticles AvgTone, seven
columns of geography for Actor1, Actor2 and the action each, DATEADDED, SOURCEURL.
"""

from __future__ import annotations

from collections.abc import Callable

from reasoner.datasets.actors import STATE_AGENT_TYPES, Actor, ActorResolver, UnknownCountry, declared
from reasoner.datasets.base import Dates, Format, FormatError, RowError, cameo_code, number_text
from reasoner.datasets.cameo import verb_table
from reasoner.datasets.records import FactSink, Record

# Column numbers (0-based) shared by both versions.
ID, DATE = 0, 1
A1_CODE, A1_NAME, A1_COUNTRY, A1_GROUP, A1_TYPE = 5, 6, 7, 8, 12
A2_CODE, A2_NAME, A2_COUNTRY, A2_GROUP, A2_TYPE = 15, 16, 17, 18, 22
ROOT, CODE, QUAD, GOLDSTEIN, MENTIONS, SOURCES, ARTICLES, TONE = 25, 26, 29, 30, 31, 32, 33, 34


class Gdelt1(Format):
    name = "gdelt1"
    title = "GDELT 1.0"
    widths: tuple[int, ...] = (57, 58)
    place = 50  # ActionGeo_FullName
    url = 57

    def __init__(self) -> None:
        self.dates = Dates()
        self.verbs = verb_table()
        self.outlets: dict[str, tuple[str, tuple[str, str]]] = {}
        self.scores: set[str] = set()  # Goldstein scores seen (checked once each)
        self.interned: dict[str, str] = {}  # few distinct values (codes, scores): one string object each
        self.common = self.interned.setdefault
        self.counts: dict[str, str] = {}  # NumMentions, NumSources, NumArticles seen (whole numbers)
        self.whole = self.counts.setdefault
        self.sides: dict[tuple[str, ...], tuple[Actor | None, bool]] = {}  # see `side`

    def layout(self) -> str:
        return (f"{self.title} event rows have {' or '.join(map(str, self.widths))} tab-separated "
                "columns and no header: GLOBALEVENTID, SQLDATE (YYYYMMDD), ..., EventCode "
                "(column 27), ..., DATEADDED" + (", SOURCEURL" if self.url else ""))

    def begin(self, fields: list[str]) -> bool:
        header = fields[0].strip().upper() == "GLOBALEVENTID"
        if len(fields) not in self.widths:
            raise FormatError(f"the first line has {len(fields)} tab-separated column"
                              f"{'s' if len(fields) != 1 else ''}, not {' or '.join(map(str, self.widths))}"
                              + _guess(fields, self.name))
        if not header and not fields[0].isdigit():
            raise FormatError(f"the first column, GLOBALEVENTID, is {fields[0][:40]!r}, not a number"
                              + _guess(fields, self.name))
        return header

    def parse(self, fields: list[str], resolver: ActorResolver, file: str, line: int) -> Record | str:
        if len(fields) not in self.widths:
            raise RowError("wrong number of columns",
                           f"{len(fields)} columns, not {' or '.join(map(str, self.widths))}")
        event = fields[ID]
        if not event.isdigit():
            raise RowError("invalid event id", f"invalid GLOBALEVENTID {event!r}", ID + 1)
        day = self.dates.compact(fields[DATE], DATE + 1)
        code = fields[CODE]
        verb = self.verbs.get(code) or self.verbs[cameo_code(code, CODE + 1)]
        actor, actor_state = self.side(fields, A1_CODE, resolver)
        if actor is None:
            return "no actor (Actor1 empty)"
        target, target_state = self.side(fields, A2_CODE, resolver)
        goldstein = fields[GOLDSTEIN]
        if goldstein not in self.scores:
            self.scores.add(number_text(goldstein, "Goldstein score", GOLDSTEIN + 1))
        mentions, sources, articles = fields[MENTIONS], fields[SOURCES], fields[ARTICLES]
        if not (mentions.isdigit() and sources.isdigit() and articles.isdigit()):
            raise RowError("invalid count", "NumMentions, NumSources and NumArticles must be whole numbers",
                           MENTIONS + 1)
        whole = self.whole
        counts = [whole(mentions, mentions), whole(sources, sources), whole(articles, articles), "1"]
        common = self.common  # few distinct values: one string object each
        args = [("cameo", code), ("goldstein", common(goldstein, goldstein)),
                ("quad", common(fields[QUAD], fields[QUAD])), ("tone", fields[TONE])]
        if fields[A1_CODE]:
            args.append(("actor_code", common(fields[A1_CODE], fields[A1_CODE])))
        if fields[A2_CODE]:
            args.append(("target_code", common(fields[A2_CODE], fields[A2_CODE])))
        place = fields[self.place]
        if place:
            args.append(("place", common(place, place)))
        url = fields[self.url] if self.url and len(fields) > self.url else ""
        outlet, source = self.outlet(url)
        quote = f"GDELT event {event}: {url}" if url else f"GDELT event {event}"
        return Record(f"gdelt_{event}", day, actor, target, verb, code, args, source, outlet, quote,
                      file, line, root=fields[ROOT] == "1",
                      states=actor_state and (target is None or target_state), counts=counts)

    def bulk(self, sink: FactSink) -> Callable[[list[str], str, int], bool]:
        from reasoner.datasets.gdelt_bulk import gdelt_emitter

        return gdelt_emitter(self, sink)

    def side(self, fields: list[str], first: int, resolver: ActorResolver) -> tuple[Actor | None, bool]:
        """The actor of a row's side (Actor1 from column `first` = A1_CODE, Actor2 from A2_CODE)
        and whether it is a state actor proper, remembered by the side's code, name, country,
        known group and first type (`sides`: what the bulk reading looks up)."""
        key = (fields[first], fields[first + 1], fields[first + 2], fields[first + 3], fields[first + 7])
        # = the columns A1_CODE, A1_NAME, A1_COUNTRY, A1_GROUP, A1_TYPE (or A2_...)
        found = self.sides.get(key)
        if found is None:
            found = self.sides[key] = _actor(*key, first + 3, resolver)
        return found

    def outlet(self, url: str) -> tuple[str, tuple[str, str]]:
        """The web site an article's URL is on (the outlet whose voice the event is in), and the
        source of the events it published."""
        host = url_host(url)
        found = self.outlets.get(host)
        if found is None:
            outlet = host.removeprefix("www.") or "GDELT"
            found = self.outlets[host] = (outlet, (f"{self.name}:{outlet}", f"{self.title} events from {outlet}"))
        return found


class Gdelt2(Gdelt1):
    name = "gdelt2"
    title = "GDELT 2.0"
    widths = (61,)
    place = 52
    url = 60


def _actor(actor_code: str, name: str, country: str, group: str, type1: str, column: int,
           resolver: ActorResolver) -> tuple[Actor | None, bool]:
    """An actor of a row (its code, name, country, known group and first type; `column`: the
    country's, 1-based) and whether it is a state actor proper."""
    try:
        state = resolver.country_code(country) if country else None
    except UnknownCountry as exc:
        raise RowError("unknown country code", str(exc), column) from None
    if state is not None:
        proper = state.kind == "state" and (actor_code == country or type1 in STATE_AGENT_TYPES)
        return state, proper
    if group:
        return resolver.group_code(group), False
    if actor_code:
        return declared(actor_code, name or actor_code, "group"), False
    return None, False


def url_host(url: str) -> str:
    """The host part of a SOURCEURL ("" for none)."""
    if not url:
        return ""
    return url.split("/", 3)[2] if "://" in url else url.split("/", 1)[0]


def _guess(fields: list[str], name: str) -> str:
    """A hint naming the format the line seems to be in."""
    width = len(fields)
    if width == 61 and name != "gdelt2":
        return "; it looks like GDELT 2.0: `reasoner import gdelt2`"
    if width in (57, 58) and name != "gdelt1":
        return "; it looks like GDELT 1.0: `reasoner import gdelt1`"
    if "Event ID" in fields and "CAMEO Code" in fields:
        return "; it looks like ICEWS: `reasoner import icews`"
    if "Event Type" in fields and "Actor Name" in fields:
        return "; it looks like POLECAT: `reasoner import polecat`"
    if "event_id_cnty" in ",".join(fields):
        return "; it looks like ACLED: `reasoner import acled`"
    return ""
