"""The slice of the rule library that the hand-written SQL translates (benchmarks/sql/): the
rules of rules/escalation.dl and the files it includes (responses.dl, hostility.dl, base.dl) that
`responds`, `escalation_step` and `escalation_chain` depend on, and nothing else.

The slice is cut from the shipped files when it is asked for, not copied: the declarations and
clauses of every relation those three read, directly or through others, as they are written
(their source text, by span). So the Python engine, the DuckDB backend and the hand SQL all run
the library's own rules for these relations, and a change to the rules that the hand SQL does not
follow shows up as different answers.

    python benchmarks/library_slice.py      # prints the slice program
"""

from __future__ import annotations

from reasoner import Engine, ast
from reasoner.load import event_schemas
from reasoner.resources import data_dir

TARGETS = ("responds", "escalation_step", "escalation_chain")
LIBRARY_FILE = "escalation.dl"


def _reads(clause: ast.Clause) -> set[str]:
    """The relations a clause reads: its body's atoms, negated atoms and aggregates' atoms, and
    the atoms of aggregates in its head."""
    literals = list(clause.body)
    for term in clause.head.args:
        for aggregate in ast.aggregates_in(term):
            literals.extend(aggregate.body)
    return {atom.relation for literal in literals for atom in ast.literal_atoms(literal)}


def _text(span) -> str:
    lines = span.source.text.split("\n")[span.line - 1:span.end_line]
    lines[-1] = lines[-1][:span.end_column]
    lines[0] = lines[0][span.column - 1:]
    return "\n".join(lines)


def slice_relations(program, targets=TARGETS) -> list[str]:
    """Every relation `targets` depend on (themselves included), in name order."""
    reads: dict[str, set[str]] = {}
    for clause in program.clauses:
        reads.setdefault(clause.head.relation, set()).update(_reads(clause))
    seen: set[str] = set()
    todo = list(targets)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(reads.get(name, ()))
    return sorted(seen)


def slice_program(targets=TARGETS) -> str:
    """The slice as program text: the declarations and clauses (facts and rules) of every relation
    `targets` depend on, in the order of the shipped files. The event schema relations are not
    declared (an engine declares them with `add_schema`)."""
    engine = Engine()
    for schema in event_schemas().values():
        engine.add_schema(schema)
    diagnostics = engine.load(data_dir("rules") / LIBRARY_FILE)
    assert not diagnostics, diagnostics
    program = engine.program
    wanted = set(slice_relations(program, targets))
    parts = [f"// The slice of rules/{LIBRARY_FILE} that {', '.join(targets)} depend on "
             "(benchmarks/library_slice.py).\n"]
    for declaration in program.declarations:
        if declaration.relation in wanted and declaration.span is not None:
            parts.append(_text(declaration.span) + "\n")
    spans = []  # a clause with a disjunction is several clauses with one span
    for clause in program.clauses:
        if clause.head.relation in wanted and clause.span is not None and clause.span not in spans:
            spans.append(clause.span)
    parts.extend(_text(span) + "\n" for span in spans)
    return "".join(parts)


def derived_relations(targets=TARGETS) -> list[str]:
    """The relations of the slice that rules or facts of the library define (not the input
    relations of the event schema or of base.dl's declarations alone)."""
    engine = Engine()
    for schema in event_schemas().values():
        engine.add_schema(schema)
    engine.load(data_dir("rules") / LIBRARY_FILE)
    heads = {clause.head.relation for clause in engine.program.clauses}
    return [name for name in slice_relations(engine.program, targets) if name in heads]


if __name__ == "__main__":
    print(slice_program(), end="")
