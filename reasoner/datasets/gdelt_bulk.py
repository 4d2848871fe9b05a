"""GDELT rows straight to facts, for a plain import (no filter, no de-duplication): the same
facts as `Gdelt1.parse` then `FactSink.add`, in a fraction of the Python operations.

A GDELT file holds millions of rows over few distinct dates, CAMEO codes, Goldstein scores and
actors. The exact reading (`parse`) checks each such value the first time it sees it and
remembers it: valid dates in `dates.known`, scores in `scores`, whole-number counts in `counts`,
the actor of each side in `sides`, the strings it keeps in `interned`. The emitter below reads a row only through those memories: a row
whose every value was seen and checked before becomes its facts at once (no `Record`, no
argument list); any other row (a new value, a bad or odd row, a row without Actor1) is left to
the exact reading (`emit` returns False), which reports it or, for a new value, remembers it
for the rows after. So the two readings give the same facts by construction, and a bad row is
reported by the one code that reports bad rows; tests/datasets/test_bulk.py compares them.
"""

from __future__ import annotations

from collections.abc import Callable

from reasoner.datasets.actors import Actor
from reasoner.datasets.gdelt import (
    A1_CODE, A1_COUNTRY, A1_GROUP, A1_NAME, A1_TYPE, A2_CODE, A2_COUNTRY, A2_GROUP, A2_NAME, A2_TYPE,
    ARTICLES, CODE, DATE, GOLDSTEIN, ID, MENTIONS, QUAD, SOURCES, TONE, Gdelt1, url_host,
)
from reasoner.datasets.records import FactSink, new_span


def gdelt_emitter(fmt: Gdelt1, sink: FactSink) -> Callable[[list[str], str, int], bool]:
    """`emit(fields, file, line)`: add the facts of a row to `sink` and return True, or return
    False (nothing added) when the row needs the exact reading."""
    verbs = {code: verb for code, verb in fmt.verbs.items() if verb}
    dates = fmt.dates.known
    scores = fmt.scores
    interned = fmt.interned
    counts = fmt.counts
    sides = fmt.sides
    mine: dict[tuple[str, ...], tuple[str, str, Actor | None]] = {}  # see `side`
    known_actors = sink.actors
    outlets: dict[str, tuple[str, str]] = {}  # host -> (outlet, source id)
    event, status, attribution, evidence, _ = sink.adders()
    pending = sink.pending  # event_arg rows, added to their set `sink.flush()` at a time
    more, extend = pending.append, pending.extend
    spans = sink.spans
    texts = sink._texts
    url_at, place_at = fmt.url, fmt.place
    common = fmt.common
    widths = frozenset(fmt.widths)

    def outlet(url: str, host: str) -> tuple[str, str]:
        name, source = fmt.outlet(url)
        found = outlets[host] = (name, sink.source_id(source, name))
        return found

    def side(key: tuple[str, ...]) -> tuple[str, str, Actor | None] | None:
        """(actor id, the actor's own code kept, the actor) of a side the exact reading has
        seen ("" and None for no actor); None: not seen yet."""
        found = sides.get(key)
        if found is None:
            return None
        actor = found[0]
        mine[key] = ("", "", None) if actor is None else (actor.id, common(key[0], key[0]), actor)
        return mine[key]

    def emit(f: list[str], file: str, line: int) -> bool:
        width = len(f)
        if width not in widths:
            return False
        number = f[ID]
        day = dates.get(f[DATE])
        code = f[CODE]
        verb = verbs.get(code)
        goldstein = interned.get(f[GOLDSTEIN])
        quad = interned.get(f[QUAD])
        if day is None or verb is None or goldstein not in scores or quad is None or not number.isdigit():
            return False
        key = (f[A1_CODE], f[A1_NAME], f[A1_COUNTRY], f[A1_GROUP], f[A1_TYPE])  # as Gdelt1.side
        actor = mine.get(key) or side(key)
        key = (f[A2_CODE], f[A2_NAME], f[A2_COUNTRY], f[A2_GROUP], f[A2_TYPE])
        target = mine.get(key) or side(key)
        mentions, sources, articles = counts.get(f[MENTIONS]), counts.get(f[SOURCES]), counts.get(f[ARTICLES])
        if actor is None or target is None or not actor[0] or not (mentions and sources and articles):
            return False
        if actor[0] not in known_actors:
            sink.new_actor(actor[2])  # type: ignore[arg-type]  # an actor: actor[0] is an id
        if target[0] and target[0] not in known_actors:
            sink.new_actor(target[2])  # type: ignore[arg-type]
        url = f[url_at] if width > url_at else ""
        host = url.split("/", 3)[2] if "://" in url else url_host(url)
        found = outlets.get(host) or outlet(url, host)
        id_ = "gdelt_" + number
        event((id_, day, day, actor[0], verb, target[0]))
        status((id_, "occurred"))
        attribution((id_, "outlet", found[0]))
        evidence((id_, found[1], f"GDELT event {number}: {url}" if url else f"GDELT event {number}"))
        extend(((id_, "cameo", code), (id_, "goldstein", goldstein), (id_, "quad", quad), (id_, "tone", f[TONE]),
                (id_, "mentions", mentions), (id_, "sources", sources), (id_, "articles", articles)))
        if actor[1]:
            more((id_, "actor_code", actor[1]))
        if target[1]:
            more((id_, "target_code", target[1]))
        value = f[place_at]
        if value:
            more((id_, "place", common(value, value)))
        if len(pending) > 70_000:
            sink.flush()
        text = texts.get(file) or sink.row_span(file, line)[0]
        spans[id_] = (new_span((text, line, 1, line, 1)), "event")
        return True

    return emit
