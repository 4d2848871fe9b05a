"""The keywords of the event language in one table: each statement, its parts and its clauses.

grammar/events.lark defines the language; this table is what the code reads about its words:

- the fast reader (`reasoner.events.reader`) tells keywords from names with `KEYWORDS`;
- the parser's post-lexer (`reasoner.events.parser`) lets every statement keyword be lexed in any
  parser state;
- the syntax hints (`reasoner.events.hints`) name what a statement expects (`head`) and show how
  it is written (`shape`);
- `reasoner.events.assemble` checks which clause fits which statement and how often (`once`,
  `repeated`);
- the REPL (`reasoner.repl.lexer`, `inputs`, `completer`) tells an event statement from rule text,
  colours the keywords and completes them.

tests/events/test_keywords.py reads the grammar with lark and checks that it and this table name
the same keywords, the same statements and the same clauses, so a keyword added to one and not
the other fails a test. The words that fill a slot rather than start one (the modes of `mode`,
the statuses of `status`, `aligned`/`opposed`) are names, not keywords: `reasoner.events.framing`
defines them and `reasoner.events.lowering` checks them; `SLOT_WORDS` names those of the clauses,
for the REPL's completer.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from reasoner.events.framing import MODES, STATUSES


@attrs.frozen
class StatementKind:
    """One statement of the language (`event`, `deadline`, ...)."""

    keyword: str
    head: tuple[str, ...]  # what it expects before its clauses, in order, in words
    shape: str  # how it is written, for hints
    once: frozenset[str] = frozenset()  # clauses it takes at most once ("=": key=value arguments)
    repeated: frozenset[str] = frozenset()  # clauses it takes any number of times
    dated: bool = False  # its second part is the date it was stated

    @property
    def clauses(self) -> frozenset[str]:
        """Every clause keyword the statement takes."""
        return self.once | self.repeated


# The clauses of every dated statement: how it is reported, what caused it, what it answers.
_FRAMING_ONCE = frozenset({"per", "mode", "same_as"})
_DATED_REPEATED = frozenset({"by", "cite", "because_of", "responds_to", "="})

# The requirement a precondition states (exactly one of them).
REQUIREMENT_KINDS = ("requires", "only_if", "unless", "after")


def _statements(*kinds: StatementKind) -> Mapping[str, StatementKind]:
    return MappingProxyType({kind.keyword: kind for kind in kinds})


STATEMENTS: Mapping[str, StatementKind] = _statements(
    StatementKind(
        "source", ("a source id", "the title in double quotes"),
        'source ID "TITLE" outlet "OUTLET" published DATE file "FILE"',
        once=frozenset({"outlet", "published", "file", "author", "url"}),
    ),
    StatementKind(
        "actor", ("an actor id", "the actor's name in double quotes"),
        'actor ID "NAME" aka ALIAS, ALIAS is KIND',
        once=frozenset({"is"}), repeated=frozenset({"aka"}),
    ),
    StatementKind(
        "person", ("a person id", "the person's name in double quotes"),
        'person ID "NAME" of ACTOR as ROLE from DATE until DATE',
        repeated=frozenset({"of"}),
    ),
    StatementKind(
        "event", ("an event id", "a date", "the actor", "a verb"),
        'event ID DATE ACTOR VERB [TARGET] status S by PERSON cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE | {"status"}, repeated=_DATED_REPEATED, dated=True,
    ),
    StatementKind(
        "precondition", ("an id", "a date", "the actor who states it"),
        'precondition ID DATE ACTOR goal ACTOR VERB [TARGET] requires ACTOR VERB [TARGET] '
        'cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE | {"goal", *REQUIREMENT_KINDS}, repeated=_DATED_REPEATED, dated=True,
    ),
    StatementKind(
        "deadline", ("an id", "a date", "the issuing actor", "`to`", "the addressee"),
        'deadline ID DATE ISSUER to ADDRESSEE demands ACTOR VERB [TARGET] due DATE|+50d '
        'threat ACTOR VERB [TARGET] cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE | {"demands", "due"}, repeated=_DATED_REPEATED | {"threat"}, dated=True,
    ),
    StatementKind(
        "evidence", ("the id of the statement it supports",),
        'evidence ID cite SOURCE "QUOTE"',
        repeated=frozenset({"by", "cite"}),
    ),
    StatementKind(
        "threat", ("an id", "a date", "the threatening actor", "`to`", "the addressee"),
        'threat ID DATE ISSUER to ADDRESSEE if ACTOR VERB [TARGET] then ACTOR VERB [TARGET] '
        'by PERSON cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE, repeated=_DATED_REPEATED | {"if", "then"}, dated=True,
    ),
    StatementKind(
        "offer", ("an id", "a date", "the offering actor", "`to`", "the addressee"),
        'offer ID DATE ISSUER to ADDRESSEE if ACTOR VERB [TARGET] then ACTOR VERB [TARGET] '
        'by PERSON cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE, repeated=_DATED_REPEATED | {"if", "then"}, dated=True,
    ),
    StatementKind(
        "revision", ("an id", "a date", "the revising actor", "`of`", "the id of the deadline revised"),
        'revision ID DATE ACTOR of DEADLINE due DATE|+10d by PERSON cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE | {"due"}, repeated=_DATED_REPEATED, dated=True,
    ),
    StatementKind(
        "withdrawal", ("an id", "a date", "the withdrawing actor", "`of`", "the id of the precondition"),
        'withdrawal ID DATE ACTOR of PRECONDITION [as waived|withdrawn] by PERSON cite SOURCE "QUOTE"',
        once=_FRAMING_ONCE, repeated=_DATED_REPEATED, dated=True,
    ),
    StatementKind(
        "alignment", ("an actor", "`aligned` or `opposed`", "another actor"),
        "alignment ACTOR aligned|opposed ACTOR [from DATE] [until DATE]",
    ),
)

# Every statement keyword, in the grammar's order.
STATEMENT_KEYWORDS: tuple[str, ...] = tuple(STATEMENTS)

# The statements whose second part is a date.
DATED: tuple[str, ...] = tuple(k for k, s in STATEMENTS.items() if s.dated)

# Every word that starts a clause, in the grammar's order (a clause may also be `key=value`).
CLAUSE_KEYWORDS: tuple[str, ...] = (
    "outlet", "published", "file", "author", "url", "aka", "is", "of", "status", "by", "cite",
    "responds_to", "goal", "requires", "only_if", "unless", "after", "demands", "due", "threat",
    "if", "then", "per", "mode", "same_as", "because_of",
)

# Words that only appear inside a statement's head or a clause: `deadline ... to B`,
# `revision ... of D`, `withdrawal ... as waived`, `of A as ROLE from DATE until DATE`,
# `requires no A VERB B`.
INNER_KEYWORDS: tuple[str, ...] = ("to", "as", "from", "until", "no")

# Every reserved word: none of these can be an id, an actor or a verb written as a bare name.
KEYWORDS: frozenset[str] = frozenset(STATEMENT_KEYWORDS + CLAUSE_KEYWORDS + INNER_KEYWORDS)

# The words a clause takes after its keyword, where there is a fixed list of them.
SLOT_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({"mode": MODES, "status": STATUSES})
