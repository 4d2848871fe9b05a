"""Relation schemas: declarations and `.type`s resolved to base types, arities checked,
undeclared relations given a schema from their first use (or reported, in strict mode)."""

from __future__ import annotations

import re

from reasoner import ast
from reasoner.analysis.typing import infer_clause_types
from reasoner.errors import Diagnostic, error, warning
from reasoner.program import Program, RelationSchema
from reasoner.source import Span
from reasoner.suggest import did_you_mean
from reasoner.types import BASE_TYPES


def resolve_types(program: Program) -> tuple[dict[str, str], list[Diagnostic]]:
    """Map every type name (built-in or `.type`) to its base type."""
    diagnostics: list[Diagnostic] = []
    bases = {name: name for name in BASE_TYPES}
    pending = {t.name: t for t in program.type_declarations}
    for decl in program.type_declarations:
        if decl.kind in ("record", "adt"):  # its own type (`reasoner.analysis.records`)
            bases[decl.name] = pending.pop(decl.name).name
    for name, decl in pending.items():
        if name in BASE_TYPES:
            diagnostics.append(error(f"`{name}` is a built-in type and cannot be redefined", decl.span))
    for _ in range(len(pending) + 1):
        progressed = False
        for name, decl in list(pending.items()):
            if all(b in bases for b in decl.bases):
                found = {bases[b] for b in decl.bases}
                if len(found) > 1:
                    diagnostics.append(error(
                        f"type `{name}` mixes base types {', '.join(sorted(found))}", decl.span,
                        "a union type must combine types of the same base type"))
                bases[name] = sorted(found)[0]
                del pending[name]
                progressed = True
        if not progressed:
            break
    for name, decl in pending.items():
        missing = [b for b in decl.bases if b not in bases and b not in pending]
        if missing:
            diagnostics.append(error(f"unknown type `{missing[0]}` in the definition of `{name}`",
                                     _name_span(decl.span, missing[0], name),
                                     did_you_mean(missing[0], bases)))
        else:
            diagnostics.append(error(f"type `{name}` is defined in terms of itself", decl.span))
        bases[name] = "symbol"
    return bases, diagnostics


def resolve_schemas(
    program: Program, external: dict[str, RelationSchema], strict: bool
) -> tuple[dict[str, RelationSchema], list[Diagnostic]]:
    bases, diagnostics = resolve_types(program)
    schemas: dict[str, RelationSchema] = dict(external)
    for decl in program.declarations:
        types = tuple(a.type for a in decl.attributes)
        for attribute in decl.attributes:
            if attribute.type not in bases:
                diagnostics.append(error(f"unknown type `{attribute.type}`",
                                         _name_span(attribute.span, attribute.type, ":"),
                                         did_you_mean(attribute.type, bases)))
        if "eqrel" in decl.qualifiers and (len(types) != 2 or len({bases.get(t) for t in types}) != 1):
            diagnostics.append(error(f"an `eqrel` relation has two columns of one type; `{decl.relation}` has "
                                     f"({', '.join(types)})", decl.span,
                                     "an equivalence relates values of one type, e.g. (x: symbol, y: symbol)"))
        names = [a.name for a in decl.attributes]
        schema = RelationSchema(
            decl.relation,
            tuple(names),
            types,
            tuple(bases.get(t, "symbol") for t in types),
            decl.span,
            choice=tuple(tuple(names.index(n) for n in domain) for domain in decl.choice
                         if all(n in names for n in domain)),
            eqrel="eqrel" in decl.qualifiers,
        )
        previous = schemas.get(decl.relation)
        if previous is not None and previous.declared and previous.bases != schema.bases:
            where = f" at {previous.span}" if previous.span else ""
            diagnostics.append(error(
                f"relation `{decl.relation}` is declared again with a different signature "
                f"(first declared as {previous.signature()}{where})", decl.span))
            continue
        if previous is None or not previous.declared or previous.bases == schema.bases:
            schemas[decl.relation] = schema if previous is None or not previous.span else previous

    defined = {c.head.relation for c in program.clauses}
    defined |= {d.relation for d in program.directives if d.kind == "input"}
    defined |= set(external)

    # Arity of every atom against the schema; undeclared relations get one from first use.
    implicit: dict[str, list[ast.Atom]] = {}
    for clause in program.clauses:
        for atom in _clause_atoms(clause):
            known = schemas.get(atom.relation)
            if known is None:
                implicit.setdefault(atom.relation, []).append(atom)
                continue
            if len(atom.args) != known.arity:
                diagnostics.append(arity_error(atom, known))
    for directive in program.directives:
        if directive.relation not in schemas and directive.relation not in implicit:
            diagnostics.append(error(f"`.{directive.kind}` names relation `{directive.relation}`, which is not declared",
                                     directive.span, did_you_mean(directive.relation, schemas)))

    for name, atoms in implicit.items():
        first = atoms[0]
        if name in defined:
            if strict:
                diagnostics.append(error(f"relation `{name}` is not declared", first.span,
                                         f"add `.decl {name}(...)` with a type for each column"))
            else:
                diagnostics.append(warning(f"relation `{name}` is not declared; its columns are inferred from its use",
                                           first.span))
        else:
            severity = "error" if strict else "warning"
            diagnostics.append(unknown_relation(first, schemas, severity))
        arity = len(first.args)
        for atom in atoms[1:]:
            if len(atom.args) != arity:
                diagnostics.append(error(
                    f"relation `{name}` is used with {len(atom.args)} arguments here but {arity} at {first.span}",
                    atom.span))
        columns = tuple(
            arg.name if isinstance(arg, ast.Var) and arg.name not in
            [a.name for a in first.args[:i] if isinstance(a, ast.Var)] else f"c{i + 1}"
            for i, arg in enumerate(first.args)
        )
        schemas[name] = RelationSchema(name, columns, ("?",) * arity, ("?",) * arity, first.span, declared=False)

    # A relation used but never defined keeps unknown (`?`) column types: it is empty, and
    # checking its uses against a guessed type would only add follow-up errors.
    _infer_implicit_types(program, schemas, [n for n in implicit if n in defined])
    return schemas, diagnostics


def _infer_implicit_types(program: Program, schemas: dict[str, RelationSchema], names: list[str]) -> None:
    """Fill the column types of undeclared relations from the clauses that produce them."""
    if not names:
        return
    for _ in range(len(names) + 2):
        changed = False
        for clause in program.clauses:
            schema = schemas[clause.head.relation]
            if schema.declared or "?" not in schema.bases or len(clause.head.args) != schema.arity:
                continue
            types, _ = infer_clause_types(clause.head, clause.body, schemas, quiet=True)
            new = list(schema.bases)
            for i, arg in enumerate(clause.head.args):
                if new[i] != "?":
                    continue
                if isinstance(arg, ast.Var) and arg.name in types:
                    new[i] = types[arg.name]
                elif isinstance(arg, ast.Const):
                    new[i] = arg.kind
            if tuple(new) != schema.bases:
                schemas[schema.name] = RelationSchema(schema.name, schema.columns, tuple(new), tuple(new),
                                                      schema.span, declared=False)
                changed = True
        if not changed:
            break
    for name in names:
        schema = schemas[name]
        if "?" in schema.bases:
            fixed = tuple("symbol" if b == "?" else b for b in schema.bases)
            schemas[name] = RelationSchema(name, schema.columns, fixed, fixed, schema.span, declared=False)


def _clause_atoms(clause: ast.Clause):
    yield clause.head
    for literal in clause.body:
        yield from ast.literal_atoms(literal)


def arity_error(atom: ast.Atom, schema: RelationSchema) -> Diagnostic:
    where = f" (declared at {schema.span})" if schema.span else ""
    return error(
        f"relation `{atom.relation}` has {schema.arity} column{'s' if schema.arity != 1 else ''}, "
        f"but {len(atom.args)} argument{'s are' if len(atom.args) != 1 else ' is'} given",
        atom.span,
        f"its signature is {schema.signature()}{where}",
    )


def unknown_relation(atom: ast.Atom, schemas: dict, severity: str) -> Diagnostic:
    message = f"relation `{atom.relation}` is not defined: it has no declaration, facts or rules"
    hint = did_you_mean(atom.relation, schemas)
    make = error if severity == "error" else warning
    return make(message, atom.span, hint)


def _name_span(span: Span | None, name: str, after: str) -> Span | None:
    """The span of the type name `name` written inside `span`, after the text `after` (the
    `:` of an attribute, the name of a `.type`); `span` itself if it cannot be found."""
    if span is None or span.line != span.end_line:
        return span
    text = span.source.line(span.line)[span.column - 1:span.end_column]
    start = text.find(after)
    start = start + len(after) if start >= 0 else 0
    match = re.compile(rf"(?<![A-Za-z0-9_?.]){re.escape(name)}(?![A-Za-z0-9_?.])").search(text, start)
    if match is None:
        return span
    return Span.at(span.source, span.line, span.column + match.start(), len(name))
