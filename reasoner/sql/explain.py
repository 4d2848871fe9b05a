"""`explain` and `why_not` for an engine whose relations live in a database.

The Python engine's explanations (`reasoner.explain`) read an `EngineState` through its read
interface: the relations as `Relation`s with their derivation records (the round of its
stratum's fixpoint in which each derived tuple was added), the strata and the rules. A SQL
backend keeps neither rows in Python nor rounds, so `proof_builder(engine)` gives the
explanation code a state whose relations are read from the backend's tables on first use:

- a relation without rules is read as it is (its tuples are input facts);
- a relation of a non-recursive stratum is read as it is, every derived tuple of round 0
  (its rules read lower strata only, which is what the proof search needs to know);
- the relations of a recursive stratum are computed again by the Python engine's own
  fixpoint, from the stratum's base facts and its inputs read from the tables, so that their
  rounds are the Python engine's and proofs come out the same, of minimal height.

Only the relations a proof or a why-not reaches are read (a proof of `escalation_step` reads the
event and response relations it goes through, not the whole program). The proof search then
runs the rules' bodies with the head bound, as for the Python engine, so the output is the same
text for a program loaded afresh. (After facts were added to a loaded program the Python engine's
rounds continue from its last round: a fact with several proofs of the same height may then be
explained by another of them there.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set as AbstractSet
from typing import TYPE_CHECKING

import attrs

from reasoner.evaluate import Evaluation, StratumPlan, evaluate, make_context, plan_strata
from reasoner.explain.search import ProofBuilder
from reasoner.relation import Relation
from reasoner.state import EngineState, Row

if TYPE_CHECKING:
    from reasoner.sql.engine import SqlEngine


class TableRelations(Mapping[str, Relation]):
    """The relations of a SQL engine's state as `Relation`s, read from its tables on first use."""

    def __init__(self, engine: SqlEngine, state: EngineState, plans: tuple[StratumPlan, ...],
                 context: dict[str, object]):
        self._engine = engine
        self._state = state
        self._plans = plans
        self._context = context
        self._stratum_of = {name: plan for plan in plans for name in plan.stratum.relations}
        self._read: dict[str, Relation] = {}

    def __getitem__(self, name: str) -> Relation:
        found = self._read.get(name)
        if found is None:
            if name not in self._state.schemas:
                raise KeyError(name)
            plan = self._stratum_of.get(name)
            if plan is not None and (plan.delta_plans or plan.eqrels):  # an eqrel: its classes, from its links
                self._read.update(self._recursive(plan))
            else:
                self._read[name] = self._table(name, plan)
            found = self._read[name]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._state.schemas)

    def __len__(self) -> int:
        return len(self._state.schemas)

    def __contains__(self, name: object) -> bool:
        return name in self._state.schemas

    def _base(self, name: str) -> set[Row]:
        """The stated facts of a relation: added, read from files, and written in rule text."""
        state = self._state
        return set(state.base.get(name, ())) | set(state.text_facts.get(name, {}))

    def _table(self, name: str, plan: StratumPlan | None) -> Relation:
        arity = self._state.schemas[name].arity
        rows = self._engine.relation(name)
        if plan is None or not plan.stratum.rules:
            return Relation(name, arity, rows)
        relation = Relation(name, arity, rows, derivations=True)
        relation.rounds = [(0, rows - self._base(name))]
        return relation

    def _recursive(self, plan: StratumPlan) -> dict[str, Relation]:
        """The relations of a recursive stratum with their rounds: the stratum evaluated by the
        Python engine from its base facts and its inputs (read from the tables)."""
        members = plan.stratum.relations
        inputs = plan.positive_inputs | plan.negative_inputs
        schemas = self._state.schemas
        base: dict[str, set[Row]] = {name: self._base(name) for name in members}
        base.update({name: self[name].tuples for name in inputs})
        arities = {name: schemas[name].arity for name in members | inputs}
        evaluation = evaluate((plan,), base, arities, self._context, derivations=True)
        return {name: evaluation.relations[name] for name in members}


class StatedFacts(Mapping[str, AbstractSet[Row]]):
    """The stated facts of a SQL engine's state by relation: those of the state, and the rows
    only the database holds (`.input` files it read, earlier sessions of a database file)."""

    def __init__(self, engine: SqlEngine, state: EngineState):
        self._engine = engine
        self._state = state
        self._read: dict[str, AbstractSet[Row]] = {}

    def __getitem__(self, name: str) -> AbstractSet[Row]:
        found = self._read.get(name)
        if found is None:
            if name not in self._state.schemas:
                raise KeyError(name)
            found = self._state.base.get(name, frozenset())
            facts = self._engine.database_facts
            extra = facts.rows(name) if facts is not None else set()
            if extra:
                found = set(found) | extra
            self._read[name] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._state.schemas)

    def __len__(self) -> int:
        return len(self._state.schemas)


def explanation_state(engine: SqlEngine) -> EngineState:
    """The engine's state with its relations read from the tables (see the module docstring)."""
    state = engine.state
    analysis = state.analysis
    assert analysis is not None, "no program analysed yet"
    state = attrs.evolve(state, base=StatedFacts(engine, state))
    plans = plan_strata(analysis)
    context = make_context()
    relations = TableRelations(engine, state, plans, context)
    return attrs.evolve(state, plans=plans, context=context,
                        evaluation=Evaluation(relations, ()))  # type: ignore[arg-type]


def proof_builder(engine: SqlEngine) -> ProofBuilder:
    """A `ProofBuilder` over the engine's tables: `explain` and `why_not` as on the Python engine."""
    return ProofBuilder(explanation_state(engine))
