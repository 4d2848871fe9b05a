"""Installing a change: a new engine state checked, planned and evaluated, or the current
evaluation updated, and installed only if all of that succeeds.

When only stated facts changed since the current state, the current evaluation is continued
from them (`reasoner.update`: what the added facts lead to is derived, what the retracted
ones held up is taken out) unless the change is large; otherwise the program is planned and
evaluated afresh. An update changes relations in place, so an evaluation a snapshot holds
(`pinned`) is copied first, and from the update's return until the new state is installed,
Ctrl-C is held (`reasoner.interrupts`).
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TextIO

import attrs

from reasoner.analysis import Analysis
from reasoner.errors import Diagnostic
from reasoner.evaluate import Evaluation, evaluate, make_context, plan_strata
from reasoner.gcpause import paused_gc
from reasoner.interrupts import interrupts_held_outside
from reasoner.limits import Limits
from reasoner.load import analysis_of
from reasoner.progress import EvaluationWatch, logger
from reasoner.source import Span
from reasoner.stated_facts import text_fact_rows
from reasoner.state import EngineState, Row, Rows
from reasoner.update import update

# An addition of more than this fraction of the tuples known is evaluated afresh rather than
# continued (the first facts after the rules, for instance): a fresh evaluation then costs no
# more, and the delta plans' indexes on the derived relations are not built.
UPDATE_FRACTION = 0.5


@attrs.frozen
class Settings:
    """How an engine evaluates (`Engine`'s constructor arguments)."""

    limits: Limits
    derivations: bool  # keep the records `explain` rebuilds proofs from
    strict: bool  # a relation used but never declared is an error
    progress: TextIO | None  # where a long evaluation draws its progress line


def commit(current: EngineState, state: EngineState, analysis: Analysis | None,
           removed: Mapping[str, set[Row]], settings: Settings,
           pinned: weakref.WeakValueDictionary[int, Evaluation],
           install: Callable[[EngineState], None]) -> list[Diagnostic]:
    """Check, plan and evaluate `state` (`analysis`: its program's, if already known), and
    `install` the result; returns the warnings that are new since `current`. `removed`: the
    stated facts retracted since `current`. If anything fails, nothing is installed."""
    with paused_gc():
        if analysis is None:
            analysis = analysis_of(current, state, settings.strict)
        if analysis is current.analysis and current.evaluation is not None:
            known = len(evaluation_warnings(current.context))
            _continue(current, state, analysis, removed, settings, pinned, install)
            return evaluation_warnings(current.context)[known:]
        return _evaluate_afresh(current, state, analysis, settings, install)


def evaluation_warnings(context: Mapping[str, object] | None) -> list[Diagnostic]:
    """The warnings an evaluation gave so far (an invalid `match` pattern, once each)."""
    patterns = (context or {}).get("_patterns")
    return list(getattr(patterns, "warnings", ()))


def _continue(current: EngineState, state: EngineState, analysis: Analysis,
              removed: Mapping[str, set[Row]], settings: Settings,
              pinned: weakref.WeakValueDictionary[int, Evaluation],
              install: Callable[[EngineState], None]) -> None:
    """Install `state`, whose program is `current`'s, continuing `current`'s evaluation."""
    assert current.evaluation is not None
    added = {name: rows - current.base.get(name, set()) for name, rows in state.base.items()
             if rows is not current.base.get(name)}
    added = {name: rows for name, rows in added.items() if rows}
    evaluation = current.evaluation
    base = _with_text_facts(state.base, state.text_facts)
    # `update` changes relations in place (and undoes that if interrupted); from its return
    # until the new state is installed, Ctrl-C is held, then raised.
    with interrupts_held_outside(_UPDATE_CODE):
        started = time.perf_counter()
        if (added or removed) and _small({**removed, **added}, evaluation):
            if id(evaluation) in pinned:  # a snapshot holds it: leave it as it is
                evaluation = _copied(evaluation)
            evaluation = update(current.plans, evaluation, base, added, current.context,
                                settings.limits, dict(removed), _watch("updating", settings))
            _log_evaluation("updated", started, evaluation, added, removed)
        elif added or removed:
            evaluation = evaluate(current.plans, base, _arities(analysis), current.context,
                                  settings.limits, settings.derivations, _watch("evaluating", settings))
            _log_evaluation("evaluated afresh", started, evaluation, added, removed)
        install(attrs.evolve(state, analysis=analysis, plans=current.plans, evaluation=evaluation,
                             context=current.context))


def _evaluate_afresh(current: EngineState, state: EngineState, analysis: Analysis, settings: Settings,
                     install: Callable[[EngineState], None]) -> list[Diagnostic]:
    started = time.perf_counter()
    plans = plan_strata(analysis)
    text_facts = text_fact_rows(state.program.facts, analysis)
    base = _with_text_facts(state.base, text_facts)
    context = make_context()
    logger.debug("planned %d strata in %.3f s", len(plans), time.perf_counter() - started)
    started = time.perf_counter()
    evaluation = evaluate(plans, base, _arities(analysis), context, settings.limits, settings.derivations,
                          _watch("evaluating", settings))
    _log_evaluation("evaluated", started, evaluation, {}, {})
    previous = set(current.analysis.warnings) if current.analysis else set()
    install(attrs.evolve(state, analysis=analysis, plans=plans, evaluation=evaluation,
                         context=context, text_facts=text_facts))
    return [w for w in analysis.warnings if w not in previous] + evaluation_warnings(context)


# The code of `update`, during which Ctrl-C may interrupt a commit (it undoes its own changes).
_UPDATE_CODE = update.__code__


def _watch(what: str, settings: Settings) -> EvaluationWatch:
    return EvaluationWatch(what, settings.progress)


def _small(added: Mapping[str, Rows], evaluation: Evaluation) -> bool:
    count = sum(len(rows) for rows in added.values())
    return count <= UPDATE_FRACTION * sum(len(relation) for relation in evaluation.relations.values())


def _log_evaluation(how: str, started: float, evaluation: Evaluation, added: Mapping[str, Rows],
                    removed: Mapping[str, Rows]) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    change = ""
    if added or removed:
        gained, lost = sum(len(r) for r in added.values()), sum(len(r) for r in removed.values())
        change = (f" after {gained:,} fact{'s' if gained != 1 else ''} added and "
                  f"{lost:,} retracted")
    tuples = sum(len(r) for r in evaluation.relations.values())
    logger.debug("%s%s in %.3f s: %s tuples", how, change, time.perf_counter() - started, f"{tuples:,}")


def _copied(evaluation: Evaluation) -> Evaluation:
    """An evaluation with relations of its own (for an update that must leave `evaluation`
    as a snapshot holds it)."""
    return Evaluation({name: relation.copy() for name, relation in evaluation.relations.items()},
                      evaluation.last_rounds)


def _arities(analysis: Analysis) -> dict[str, int]:
    return {name: schema.arity for name, schema in analysis.schemas.items()}


def _with_text_facts(base: Mapping[str, Rows], text_facts: Mapping[str, Mapping[Row, Span | None]]
                     ) -> dict[str, Rows]:
    """The stated facts and the facts of the rule text together."""
    merged = dict(base)
    for name, rows in text_facts.items():
        merged[name] = set(merged.get(name, ())) | rows.keys()
    return merged
