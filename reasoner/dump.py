"""`Engine.dump`: a printable view of one stage of the pipeline of an engine state (`reasoner run
--dump`, the REPL's `:plan`)."""

from __future__ import annotations

from reasoner.state import EngineState

STAGES = ("ast", "strata", "plan", "code")


def dump(state: EngineState, stage: str, relation: str | None = None) -> str:
    """'ast' (the program as parsed, disjunctions expanded), 'strata' (evaluation order), 'plan'
    (the steps of each rule's plan, one a line, indented by nesting) or 'code' (the Python
    generated for each plan). With `relation`, 'plan' and 'code' show only the plans of the
    rules that derive it."""
    if stage == "ast":
        program = state.program
        parts = [str(d) for d in program.declarations] + [str(c) for c in program.clauses]
        parts += [str(q) for q in program.queries]
        return "\n".join(parts)
    if stage == "strata":
        lines = []
        strata = [plan.stratum for plan in state.plans if plan.stratum.rules]
        for number, stratum in enumerate(strata, start=1):
            kind = "recursive" if stratum.recursive else "non-recursive"
            lines.append(f"stratum {number} ({kind}): {', '.join(sorted(stratum.relations))}")
            lines += [f"    {rule}" for rule in stratum.rules]
        return "\n".join(lines)
    if stage in ("plan", "code"):
        plans = [p for plan in state.plans for p in plan.exit_plans + plan.delta_plans
                 if relation is None or (p.clause is not None and p.clause.head.relation == relation)]
        if stage == "plan":
            return "\n".join(p.describe() for p in plans)
        return "\n".join(p.source for p in plans)
    raise ValueError(f"unknown stage {stage!r}; choose ast, strata, plan or code")
