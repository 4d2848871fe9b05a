"""The fact schema of the event language: the one documented place rules are written against.

Lowering (`reasoner.events.lowering`) produces exactly these relations; `decls()` gives their
Soufflé `.decl` lines and `markdown_table()` the table in docs/events.md.

Conventions:
- dates are `datetime.date`; a partial or ranged date is stored as its first and last day;
- an event without a target has the target "" (empty string);
- in the pattern columns of `precondition`, `deadline` and `deadline_threat`, "_" matches any
  actor, verb or target (an omitted pattern target is "_" too);
- an affiliation without a start has `valid_from` 0001-01-01, without an end `valid_until`
  9999-12-31; an actor without a kind has kind "";
- values of `event_arg` are symbols: numbers are stored as their decimal text;
- every dated statement (event, precondition, deadline, threat, offer, revision, withdrawal) has
  exactly one `statement_kind`, one `attribution` and one `modality` row;
- an alignment without a start has `valid_from` 0001-01-01, without an end `valid_until`
  9999-12-31.
"""

from __future__ import annotations

import datetime as dt

import attrs

TYPES = ("symbol", "number", "float", "date")

NO_TARGET = ""
WILDCARD = "_"
BEGINNING = dt.date(1, 1, 1)
END_OF_TIME = dt.date(9999, 12, 31)


@attrs.frozen
class Column:
    name: str
    type: str
    doc: str


@attrs.frozen
class Relation:
    name: str
    columns: tuple[Column, ...]
    doc: str

    @property
    def arity(self) -> int:
        return len(self.columns)

    def decl(self) -> str:
        cols = ", ".join(f"{c.name}: {c.type}" for c in self.columns)
        return f".decl {self.name}({cols})"


def _relation(name: str, doc: str, *columns: tuple[str, str, str]) -> Relation:
    return Relation(name, tuple(Column(*c) for c in columns), doc)


_S, _N, _F, _D = TYPES

RELATIONS: tuple[Relation, ...] = (
    _relation(
        "source", "an article events are drawn from",
        ("id", _S, "source id"), ("title", _S, "headline"), ("outlet", _S, "publisher"),
        ("published_start", _D, "publication date, first day"),
        ("published_end", _D, "publication date, last day"),
        ("file", _S, "article file name"),
    ),
    _relation(
        "source_url", "where an article can be read (a source's `url` clause)",
        ("source", _S, "source id"), ("url", _S, "the article's address"),
    ),
    _relation(
        "actor", "a state, organisation or group", ("id", _S, "canonical id"),
        ("name", _S, "display name"), ("kind", _S, 'e.g. state, company ("" if not given)'),
    ),
    _relation(
        "alias", "another name of an actor (resolved in statements)",
        ("alias", _S, "the other name"), ("actor", _S, "canonical actor id"),
    ),
    _relation("person", "a person who speaks or acts", ("id", _S, "person id"), ("name", _S, "full name")),
    _relation(
        "affiliation", "a person's membership and role, with its validity",
        ("person", _S, "person id"), ("actor", _S, "actor id"), ("role", _S, 'role ("" if not given)'),
        ("valid_from", _D, "first day (0001-01-01 if open)"),
        ("valid_until", _D, "last day (9999-12-31 if open)"),
    ),
    _relation(
        "event", "who did what to whom, when",
        ("id", _S, "event id"), ("start", _D, "first day"), ("end", _D, "last day"),
        ("actor", _S, "actor id"), ("verb", _S, "verb of the vocabulary"),
        ("target", _S, 'actor id ("" if none)'),
    ),
    _relation(
        "date_precision", "how a dated statement was dated",
        ("id", _S, "statement id"), ("precision", _S, "exact, month, year, range or approximate"),
    ),
    _relation(
        "event_arg", "a further argument of a statement (place, topic, targets...)",
        ("event", _S, "statement id"), ("key", _S, "argument name"), ("value", _S, "one value"),
    ),
    _relation(
        "event_status", "occurred, announced, planned, cancelled, denied or conditional",
        ("event", _S, "event id"), ("status", _S, "status (default occurred)"),
    ),
    _relation(
        "evidence", "a verbatim quote supporting a statement",
        ("id", _S, "statement id"), ("source", _S, "source id"),
        ("quote", _S, "verbatim quote"),
    ),
    _relation(
        "said_by", "who said it", ("id", _S, "statement id"),
        ("person", _S, "person id"),
    ),
    _relation(
        "responds_to", "an explicit response link",
        ("response", _S, "the later statement"), ("stimulus", _S, "the statement responded to"),
    ),
    _relation(
        "verb", "the verb vocabulary (rules/verbs.facts)",
        ("verb", _S, "verb"), ("cameo", _S, "CAMEO event code"),
        ("goldstein", _F, "Goldstein score -10..10"),
        ("quad", _N, "quad class 1-4 (GDELT convention)"), ("plover", _S, "PLOVER event type"),
    ),
    _relation(
        "precondition", "goal PATTERN requires/only_if/unless/after PATTERN, as stated by an actor",
        ("id", _S, "precondition id"), ("stated_by", _S, "actor id"),
        ("start", _D, "statement date, first day"), ("end", _D, "statement date, last day"),
        ("goal_actor", _S, "goal pattern: actor"), ("goal_verb", _S, "goal pattern: verb"),
        ("goal_target", _S, "goal pattern: target"),
        ("kind", _S, "requires, only_if, unless or after"),
        ("req_actor", _S, "requirement pattern: actor"), ("req_verb", _S, "requirement pattern: verb"),
        ("req_target", _S, "requirement pattern: target"),
    ),
    _relation(
        "deadline", "an ultimatum: ISSUER demands of ADDRESSEE by DUE",
        ("id", _S, "deadline id"), ("issuer", _S, "actor id"), ("addressee", _S, "actor id"),
        ("start", _D, "statement date, first day"), ("end", _D, "statement date, last day"),
        ("due", _D, "last day to comply"),
        ("demand_actor", _S, "demand pattern: actor"), ("demand_verb", _S, "demand pattern: verb"),
        ("demand_target", _S, "demand pattern: target"),
    ),
    _relation(
        "deadline_threat", "a consequence threatened if a deadline is missed",
        ("deadline", _S, "deadline id"), ("actor", _S, "pattern: actor"),
        ("verb", _S, "pattern: verb"), ("target", _S, "pattern: target"),
    ),
    _relation(
        "statement_kind", "what kind of statement an id names (one row per dated statement)",
        ("id", _S, "statement id"),
        ("kind", _S, "event, precondition, deadline, threat, offer, revision or withdrawal"),
    ),
    _relation(
        "attribution", "whose voice a statement is in (one row per dated statement)",
        ("statement", _S, "statement id"),
        ("voice_kind", _S, "speaker, outlet, anonymous or actor"),
        ("voice", _S, 'person id, the source\'s outlet (source id if it has none), "" for anonymous, or actor id'),
    ),
    _relation(
        "modality", "how a statement is put (one row per dated statement)",
        ("statement", _S, "statement id"),
        ("mode", _S, "asserted (default), reported, likely, unlikely, possible or denied"),
    ),
    _relation(
        "same_as", "the statement reports again the same remark or event as another",
        ("statement", _S, "the repeated report"), ("original", _S, "the statement it repeats"),
    ),
    _relation(
        "caused_by", "a causal link (`because_of`), not a response",
        ("effect", _S, "the statement caused"), ("cause", _S, "the statement that caused it"),
    ),
    _relation(
        "pattern_negated", "a pattern of the statement is negative (`no ACTOR VERB [TARGET]`)",
        ("statement", _S, "statement id"),
        ("part", _S, "goal, requirement, demand, threat, condition or consequence"),
    ),
    _relation(
        "conditional", "a conditional threat or offer: ISSUER to ADDRESSEE, if CONDITION then CONSEQUENCE",
        ("id", _S, "threat or offer id"), ("kind", _S, "threat or offer"),
        ("issuer", _S, "actor id"), ("addressee", _S, "actor id"),
        ("start", _D, "statement date, first day"), ("end", _D, "statement date, last day"),
    ),
    _relation(
        "conditional_if", "the condition of a threat or offer (a pattern)",
        ("id", _S, "threat or offer id"), ("actor", _S, "pattern: actor"),
        ("verb", _S, "pattern: verb"), ("target", _S, "pattern: target"),
    ),
    _relation(
        "conditional_then", "the consequence threatened or offered (a pattern)",
        ("id", _S, "threat or offer id"), ("actor", _S, "pattern: actor"),
        ("verb", _S, "pattern: verb"), ("target", _S, "pattern: target"),
    ),
    _relation(
        "deadline_revision", "a deadline moved to a new due date",
        ("id", _S, "revision id"), ("deadline", _S, "the deadline revised"),
        ("start", _D, "revision date, first day"), ("end", _D, "revision date, last day"),
        ("due", _D, "the new last day to comply"),
    ),
    _relation(
        "precondition_withdrawn", "a precondition withdrawn or waived by an actor",
        ("id", _S, "withdrawal id"), ("precondition", _S, "the precondition"),
        ("actor", _S, "actor id"),
        ("start", _D, "statement date, first day"), ("end", _D, "statement date, last day"),
        ("how", _S, "withdrawn (default) or waived"),
    ),
    _relation(
        "alignment", "two actors aligned or opposed over a period (rules read it both ways)",
        ("a", _S, "actor id"), ("b", _S, "actor id"), ("kind", _S, "aligned or opposed"),
        ("valid_from", _D, "first day (0001-01-01 if open)"),
        ("valid_until", _D, "last day (9999-12-31 if open)"),
    ),
)

BY_NAME: dict[str, Relation] = {r.name: r for r in RELATIONS}

# The relations with one row per statement that states it (first column: the statement's id).
STATEMENT_HEADS = (
    "event", "precondition", "deadline", "conditional", "deadline_revision", "precondition_withdrawn",
)
# Every relation whose first column is the id of a dated statement (explanations can trace such
# a fact to the statement and its quotes).
BY_STATEMENT = STATEMENT_HEADS + (
    "date_precision", "event_arg", "event_status", "evidence", "said_by", "responds_to",
    "deadline_threat", "statement_kind", "attribution", "modality", "same_as", "caused_by",
    "pattern_negated", "conditional_if", "conditional_then",
)


def decls() -> list[str]:
    """The Soufflé `.decl` line of every relation, in schema order."""
    return [relation.decl() for relation in RELATIONS]


def markdown_table() -> str:
    """The schema as a markdown table (docs/events.md includes it verbatim)."""
    lines = ["| relation | columns | meaning |", "| --- | --- | --- |"]
    for relation in RELATIONS:
        cols = ", ".join(f"`{c.name}: {c.type}` ({c.doc})" for c in relation.columns)
        lines.append(f"| `{relation.name}` | {cols} | {relation.doc} |")
    return "\n".join(lines) + "\n"
