"""Type checking of records and algebraic data types.

`record_types` reads the `.type` declarations of records (`[x: number, y: P]`) and algebraic
data types (`A {x: number} | B {}`) into a `reasoner.records.RecordTypes`, reporting unknown
field types and branch names declared twice. The clause typer (`reasoner.analysis.typing`)
hands every record op to `type_of` and every comparison to `check_comparison`: a record
takes its type from where it stands (a column, a field, the other side of `=`), a branch
`$A(...)` from its algebraic data type; the number of fields, the type of each and the
branch's existence are checked, each problem reported at the record with a hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.records import RecordType, RecordTypes, constructs, is_record_op
from reasoner.suggest import did_you_mean

if TYPE_CHECKING:
    from reasoner.analysis.typing import _ClauseTyper


def record_types(declarations: tuple[ast.TypeDeclaration, ...],
                 bases: Mapping[str, str]) -> tuple[RecordTypes, list[Diagnostic]]:
    """The record and ADT types declared, with their fields' types resolved through `bases`."""
    problems: list[Diagnostic] = []
    records: dict[str, RecordType] = {}
    adts: dict[str, tuple[RecordType, ...]] = {}
    branches: dict[str, RecordType] = {}

    def fields(owner: str, attributes: tuple[ast.Attribute, ...]) -> tuple[str, ...]:
        types = []
        for attribute in attributes:
            if attribute.type not in bases:
                problems.append(error(f"unknown type `{attribute.type}` of field `{attribute.name}` of `{owner}`",
                                      attribute.span, did_you_mean(attribute.type, bases)))
            types.append(bases.get(attribute.type, "symbol"))
        return tuple(types)

    for decl in declarations:
        if decl.kind == "record":
            records[decl.name] = RecordType(decl.name, tuple(f.name for f in decl.fields),
                                            fields(decl.name, decl.fields))
        elif decl.kind == "adt":
            kinds = []
            for branch in decl.branches:
                kind = RecordType(branch.name, tuple(f.name for f in branch.fields),
                                  fields(f"${branch.name}", branch.fields), adt=decl.name)
                if branch.name in branches:
                    problems.append(error(f"branch `${branch.name}` is declared twice (also in "
                                          f"`{branches[branch.name].adt}`)", branch.span,
                                          "a branch name names one branch of one type: rename one"))
                    continue
                branches[branch.name] = kind
                kinds.append(kind)
            adts[decl.name] = tuple(kinds)
    return RecordTypes(records, adts, branches), problems


def _describe(types: RecordTypes, base: str | None) -> str:
    from reasoner.analysis.typing import describe

    if base in types.records:
        return f"a record of type `{base}`"
    if base in types.adts:
        return f"a `{base}`"
    return describe(base or "?")


def type_of(typer: _ClauseTyper, term: ast.Call, expected: str | None, report: bool) -> str | None:
    """The type of a record op (None when unknown or wrong: the problem is then reported)."""
    types: RecordTypes = typer.records
    op = term.op
    if op == "~field":
        record, branch, index = term.args
        return types.field_type(typer.type_of(record, None, False), str(_const(branch)), _index(index))
    if op == "~is":
        record, branch, arity = term.args
        found = typer.type_of(record, None, False)
        if report and found is not None:
            _check_pattern(typer, term, found, _const(branch), _index(arity))
        return "number"
    if op == "nil":
        if expected in types.records or expected is None:
            return expected
        if report:
            typer.diagnostics.append(error(f"`nil` is the empty record, but {_describe(types, expected)} is "
                                           "expected here", term.span))
        return None
    if op == "[]":
        if expected is None:
            return None
        kind = types.records.get(expected)
        if kind is None:
            if report:
                typer.diagnostics.append(error(f"`{term}` is a record, but {_describe(types, expected)} is "
                                               "expected here", term.span, _record_hint(types)))
            return None
        _check_fields(typer, term, kind, report)
        return expected
    kind = types.branches.get(op[1:])
    if kind is None:
        if report:
            known = [f"${name}" for name in types.branches]
            hint = did_you_mean(op, known)
            if hint is None:
                hint = (f"the branches are {', '.join(known)}" if known else
                        "declare it in an algebraic data type: `.type T = Name {field: type} | ...`")
            typer.diagnostics.append(error(f"unknown branch `{op}`: no algebraic data type has it",
                                           term.span, hint))
        return None
    _check_fields(typer, term, kind, report)
    return kind.adt


def _check_fields(typer: _ClauseTyper, term: ast.Call, kind: RecordType, report: bool) -> None:
    """The number of fields of a record or branch, and the type of each."""
    if len(term.args) != len(kind.types):
        if report:
            typer.diagnostics.append(_arity_problem(term, kind, len(term.args)))
        return
    for arg, want, name in zip(term.args, kind.types, kind.fields):
        where = f"field `{name}` of `{kind.name if kind.adt is None else '$' + kind.name}`"
        if isinstance(arg, ast.Var):
            if report:
                typer.unify(arg, want, where)
            continue
        found = typer.type_of(arg, want, report)
        if report and found is not None and found != want:
            typer.diagnostics.append(error(
                f"type mismatch: `{arg}` is {_describe(typer.records, found)}, but {where} is "
                f"{_describe(typer.records, want)}", arg.span,
                f'symbols are quoted: "{arg.value}"' if want == "symbol" and isinstance(arg, ast.Const)
                else f"it is declared as {kind.signature()}"))


def _check_pattern(typer: _ClauseTyper, term: ast.Call, found: str, branch: object, arity: int) -> None:
    """A pattern `[x, _]` or `$A(x)` read from a value of type `found`."""
    types: RecordTypes = typer.records
    if not branch:
        kind = types.records.get(found)
        if kind is None:
            typer.diagnostics.append(error(f"this record pattern reads {_describe(types, found)}", term.span,
                                           _record_hint(types)))
        elif arity != len(kind.types):
            typer.diagnostics.append(_arity_problem(term, kind, arity))
        return
    kind = types.branches.get(str(branch))
    if kind is None:
        known = [f"${b.name}" for b in types.adts.get(found, ())] or [f"${name}" for name in types.branches]
        typer.diagnostics.append(error(f"unknown branch `${branch}`: {_describe(types, found)} has no such branch",
                                       term.span, did_you_mean(f"${branch}", known)
                                       or (f"the branches are {', '.join(known)}" if known else None)))
    elif kind.adt != found:
        known = [f"${b.name}" for b in types.adts.get(found, ())]
        typer.diagnostics.append(error(f"`${branch}` is a branch of `{kind.adt}`, but {_describe(types, found)} "
                                       "is read here", term.span,
                                       f"the branches of `{found}` are {', '.join(known)}" if known else None))
    elif arity != len(kind.types):
        typer.diagnostics.append(_arity_problem(term, kind, arity))


def _arity_problem(term: ast.Call, kind: RecordType, given: int) -> Diagnostic:
    what = f"branch `${kind.name}` of `{kind.adt}`" if kind.adt is not None else f"record type `{kind.name}`"
    count = f"{len(kind.types)} field{'s' if len(kind.types) != 1 else ''}"
    written = f"${kind.name}({', '.join(kind.fields)})" if kind.adt is not None else f"[{', '.join(kind.fields)}]"
    return error(f"the {what} has {count}, but {given} {'are' if given != 1 else 'is'} given here", term.span,
                 f"it is declared as {kind.signature()}: write {written}")


def _record_hint(types: RecordTypes) -> str:
    if types.records:
        return f"records belong in columns and fields of a record type ({', '.join(f'`{t}`' for t in types.records)})"
    return "declare a record type, e.g. `.type Point = [x: number, y: number]`, and give it to the column"


def check_comparison(typer: _ClauseTyper, comparison: ast.Comparison) -> bool:
    """Check a comparison that involves records; False if it involves none (the typer's own
    check then applies)."""
    left, right = comparison.left, comparison.right
    mine = [isinstance(t, ast.Call) and is_record_op(t.op) for t in (left, right)]
    if not any(mine):
        lt, rt = typer.type_of(left, None, False), typer.type_of(right, None, False)
        record = next((t for t in (lt, rt) if t is not None and typer.records.is_record_type(t)), None)
        if record is None:
            return False
        if comparison.op not in ("=", "!="):
            typer.diagnostics.append(_ordered(typer.records, comparison, record))
        elif lt is not None and rt is not None and lt != rt:
            typer.diagnostics.append(_unequal_types(typer.records, comparison, lt, rt))
        return True
    field = next((t for t in (left, right) if isinstance(t, ast.Call) and t.op == "~field"), None)
    if field is not None:  # `x = ~field(R, branch, i)`, from a pattern: speak of the pattern
        other = right if field is left else left
        want = typer.type_of(field, None, False)
        found = typer.type_of(other, want)
        if want is not None and found is not None and found != want:
            typer.diagnostics.append(error(
                f"type mismatch: `{other}` is {_describe(typer.records, found)}, but it reads {_field_name(typer, field)}, "
                f"which is {_describe(typer.records, want)}", other.span))
        return True
    # The side that does not make a record gives the type the other is checked against.
    first, second = (right, left) if _makes(left) and not _makes(right) else (left, right)
    first_type = typer.type_of(first, None)
    second_type = typer.type_of(second, first_type)
    if first_type is None and second_type is not None and _makes(first):
        first_type = typer.type_of(first, second_type)
    record_type = next((t for t in (first_type, second_type) if t is not None and typer.records.is_record_type(t)),
                       None)
    if record_type is not None and comparison.op not in ("=", "!="):
        typer.diagnostics.append(_ordered(typer.records, comparison, record_type))
    elif first_type is not None and second_type is not None and first_type != second_type:
        typer.diagnostics.append(_unequal_types(typer.records, comparison, first_type, second_type))
    return True


def _unequal_types(records: RecordTypes, comparison: ast.Comparison, left: str, right: str) -> Diagnostic:
    """A comparison of a record or ADT value with a value of another type."""
    return error(f"cannot compare {_describe(records, left)} with {_describe(records, right)}: `{comparison}`",
                 comparison.span, "a record or ADT value equals only values of its own type")


def _field_name(typer: _ClauseTyper, field: ast.Call) -> str:
    record, branch, index = field.args
    name = _const(branch)
    kind = typer.records.branches.get(str(name)) if name else typer.records.records.get(
        typer.type_of(record, None, False) or "")
    position = _index(index)
    if kind is None or position >= len(kind.fields):
        return f"field {position + 1} of a record"
    return f"field `{kind.fields[position]}` of `{'$' + kind.name if kind.adt else kind.name}`"


def _ordered(types: RecordTypes, comparison: ast.Comparison, found: str) -> Diagnostic:
    return error(f"`{comparison.op}` does not apply to {_describe(types, found)}: `{comparison}`",
                 comparison.span, "records and algebraic data types are compared with `=` and `!=`")


def _makes(term: ast.Term) -> bool:
    return isinstance(term, ast.Call) and constructs(term.op)


def _const(term: ast.Term) -> object:
    assert isinstance(term, ast.Const)
    return term.value


def _index(term: ast.Term) -> int:
    value = _const(term)
    assert isinstance(value, int)
    return value
