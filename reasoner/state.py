"""`EngineState`: everything an engine knows at one moment, and how the rest of the code reads it.

An `Engine` holds one state and replaces it as a whole on every successful change, so a state,
once installed, is never changed (the one exception: an update of the evaluation changes the
relations in place unless a snapshot holds them; see `reasoner.commit`). Building a state is
the business of `reasoner.load` (rules, events, `.input` files) and `reasoner.commit` (analysis,
plans, evaluation); `explain/` and `questions/` read it through the small interface below
(`relations`, `schemas`, `is_stated`, `text_fact_span`, `statement_of`, `input_directives`,
`variable_types`, and the fields `plans` and `context`) rather than its raw fields.

The relations of the event schema that name a statement are defined here, from
`reasoner.events.schema`: the loader records the span of each statement, and explanations
trace a fact of such a relation back to it.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Set as AbstractSet
from pathlib import Path
from typing import Any

import attrs

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.evaluate import Evaluation, StratumPlan
from reasoner.events.lowering import KnownIds
from reasoner.events.schema import BY_STATEMENT, STATEMENT_HEADS
from reasoner.program import Program, RelationSchema
from reasoner.relation import Relation
from reasoner.source import Span

Row = tuple[Any, ...]  # one tuple of a relation: str, int, float or datetime.date values (`reasoner.types`)
Rows = AbstractSet[Row]  # the stated facts of one relation (a set or a frozenset)
# The namespace the generated code of one evaluation runs in (`reasoner.plan.runtime`).
EvaluationContext = dict[str, Any]
# A `.input` directive with the directory its file was read from.
InputDirective = tuple[ast.IODirective, Path]

# The relations whose rows are statements of their own (first column: the statement's id); the
# loader records the span and kind of the first row of each statement.
STATEMENT_RELATIONS = frozenset((*STATEMENT_HEADS, "source", "actor", "person"))
# The relations whose first column names a statement: a fact of one of them is traced to the
# statement (its span and the article quotes).
NAMING_A_STATEMENT = STATEMENT_RELATIONS | frozenset((*BY_STATEMENT, "source_url", "affiliation"))


@attrs.frozen
class EngineState:
    """Everything an engine knows; replaced as a whole on every successful change."""

    program: Program = Program()
    base: Mapping[str, Rows] = attrs.field(factory=dict)  # stated facts (not in rule text), by relation
    events: KnownIds | None = None  # the ids of the event statements loaded so far (None: none yet)
    files: frozenset[str] = frozenset()  # resolved paths of the rule files read so far
    external: Mapping[str, RelationSchema] = attrs.field(factory=dict)  # schemas from outside the rules
    analysis: Analysis | None = None
    plans: tuple[StratumPlan, ...] = ()
    evaluation: Evaluation | None = None
    context: EvaluationContext = attrs.field(factory=dict)
    text_facts: Mapping[str, Mapping[Row, Span | None]] = attrs.field(factory=dict)  # facts in rule text
    # statement id -> (its span, its kind: event, precondition, deadline, source, actor, person...)
    statement_spans: Mapping[str, tuple[Span, str]] = attrs.field(factory=dict)
    inputs: Mapping[str, tuple[InputDirective, ...]] = attrs.field(factory=dict)  # by relation

    # ---- the read interface ---------------------------------------------------------------
    @property
    def relations(self) -> dict[str, Relation]:
        """Every relation's tuples as evaluated ({} before the first evaluation)."""
        return self.evaluation.relations if self.evaluation is not None else {}

    @property
    def schemas(self) -> dict[str, RelationSchema]:
        """Every relation's schema ({} before the first analysis)."""
        return self.analysis.schemas if self.analysis is not None else {}

    def is_stated(self, relation: str, row: Row) -> bool:
        """Whether a row is an input fact (stated, not only derived by rules)."""
        return row in self.base.get(relation, ()) or row in self.text_facts.get(relation, {})

    def text_fact_span(self, relation: str, row: Row) -> Span | None:
        """Where a fact of rule text was (first) stated; None if it is not one, or if its
        statement has no position (`is_text_fact` tells the two apart)."""
        spans = self.text_facts.get(relation)
        return spans.get(row) if spans else None

    def is_text_fact(self, relation: str, row: Row) -> bool:
        """Whether a row is stated as a fact in rule text (`response_window(60).`)."""
        return row in self.text_facts.get(relation, {})

    def statement_of(self, relation: str, row: Row) -> tuple[str, Span, str] | None:
        """The event statement a fact comes from: its id, span and kind (None: not one)."""
        if relation not in NAMING_A_STATEMENT or not row:
            return None
        statement = row[0]
        if not isinstance(statement, str) or statement not in self.statement_spans:
            return None
        span, kind = self.statement_spans[statement]
        return statement, span, kind

    @property
    def has_events(self) -> bool:
        """Whether event statements were loaded (and with them the verb vocabulary)."""
        return self.events is not None

    def input_directives(self, relation: str) -> tuple[InputDirective, ...]:
        """The `.input` directives that read facts of `relation`, with their fact directory."""
        return self.inputs.get(relation, ())

    def variable_types(self, rule: ast.Clause) -> dict[str, str]:
        """The base type of each variable of a rule of the program, by the variable's name."""
        assert self.analysis is not None, "no program analysed yet"
        return self.analysis.variable_types[id(rule)]


@attrs.frozen(eq=False)
class Snapshot:
    """What an engine held at one moment (`Engine.snapshot`), to go back to (`Engine.restore`).

    It holds the engine's state as it was: states are never changed once installed (an update
    that would change a snapshot's relations in place works on a copy of them), so taking a
    snapshot costs nothing and restoring one is immediate."""

    owner: weakref.WeakValueDictionary[int, Evaluation] = attrs.field(repr=False)
    state: EngineState = attrs.field(repr=False)

    def __repr__(self) -> str:
        relations = self.state.relations
        return f"<Snapshot: {len(relations)} relations, {sum(len(r) for r in relations.values()):,} tuples>"
