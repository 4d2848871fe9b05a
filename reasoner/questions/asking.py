"""Asking a catalogued question: its arguments checked and bound, its goal run, its answers.

`bind(engine, question, arguments)` turns the typed arguments (`USA`, `Moscow`, `2025-08-09`)
into values of the parameters' kinds, each error a diagnostic at the argument's position;
`ask(engine, question, values)` runs the goal with the parameters' variables bound (an `as_of`
parameter is answered with `as_of_setting` added for the question alone: a snapshot of the
engine is restored afterwards, so the session is unchanged) and returns `Answer`s.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import attrs

from reasoner import ast
from reasoner.engine import Engine
from reasoner.errors import QueryError, error
from reasoner.facts_io import sort_key
from reasoner.questions.catalogue import Param, Question, QuestionError
from reasoner.source import Span
from reasoner.suggest import closest, did_you_mean

KIND_WORDS = {"actor": "an actor", "date": "a date (YYYY-MM-DD)", "as_of": "an as-of date (YYYY-MM-DD)",
              "verb": "a verb of the vocabulary", "number": "a number", "symbol": "a name"}


@attrs.frozen
class Argument:
    text: str
    span: Span | None = None


@attrs.frozen
class Answer:
    values: dict[str, object]  # every variable of the goal and every parameter
    fact: str | None  # the goal's first derived atom, ground: what `:why N` explains
    as_of: tuple[datetime.date, ...] = ()  # as-of dates the answer holds for


def actors(engine: Engine) -> dict[str, str]:
    """Every way of naming an actor (id, alias, display name; lower case) -> its id."""
    known = engine.relations()
    names: dict[str, str] = {}
    if known.get("actor") == 3:
        for actor_id, name, _ in engine.relation("actor"):
            names.setdefault(str(name).lower(), actor_id)
    if known.get("alias") == 2:
        for alias, actor_id in engine.relation("alias"):
            names[str(alias).lower()] = actor_id
    if known.get("actor") == 3:
        for actor_id, _, _ in engine.relation("actor"):
            names[str(actor_id).lower()] = actor_id
    return names


def resolve_actor(engine: Engine, text: str) -> str | None:
    return actors(engine).get(text.lower())


def close_actor(engine: Engine, text: str, cutoff: float = 0.6) -> str | None:
    """The way of naming an actor closest to `text`, as it is spelled (`Moscow` for `Moskow`)."""
    spelled: dict[str, str] = {}
    known = engine.relations()
    if known.get("actor") == 3:
        for actor_id, name, _ in engine.relation("actor"):
            spelled[actor_id.lower()] = actor_id
            spelled[str(name).lower()] = str(name)
    if known.get("alias") == 2:
        for alias, _ in engine.relation("alias"):
            spelled[str(alias).lower()] = str(alias)
    matches = closest(text, spelled, cutoff=cutoff)
    return spelled[matches[0].lower()] if matches else None


def current_as_of(engine: Engine) -> datetime.date | None:
    if engine.relations().get("as_of") != 1:
        return None
    days = [row[0] for row in engine.relation("as_of") if isinstance(row[0], datetime.date)]
    return max(days) if days else None


def _value(engine: Engine, question: Question, param: Param, argument: Argument) -> object:
    text = argument.text

    def wrong(message: str, hint: str | None = None) -> QuestionError:
        return QuestionError(error(f"`{question.name}`: {param.name} must be {KIND_WORDS[param.kind]}; "
                                   + message, argument.span, hint))

    if param.kind == "actor":
        found = resolve_actor(engine, text)
        if found is None:
            near = close_actor(engine, text)
            raise wrong(f"no actor `{text}`" + (f"; did you mean `{near}`?" if near else ""),
                        None if near else "`:facts actor` lists the actors")
        return found
    if param.kind in ("date", "as_of"):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise wrong(f"`{text}` is not a day (YYYY-MM-DD)") from None
    if param.kind == "verb":
        verbs = {row[0] for row in engine.relation("verb")} if engine.relations().get("verb") == 5 else set()
        if verbs and text not in verbs:
            near = did_you_mean(text, verbs)
            raise wrong(f"no verb `{text}`" + (f"; {near}" if near else ""))
        return text
    if param.kind == "number":
        try:
            return int(text)
        except ValueError:
            raise wrong(f"`{text}` is not a number") from None
    return text


def bind(engine: Engine, question: Question, arguments: list[Argument],
         as_of: Argument | None = None, where: Span | None = None) -> dict[str, object]:
    """The parameters' values: arguments in order (`as of DATE` goes to the as_of parameter),
    defaults for those left out; an optional parameter left out is not bound."""
    params = list(question.params)
    values: dict[str, object] = {}
    if as_of is not None:
        target = next((p for p in params if p.kind == "as_of"), None)
        if target is None:
            raise QuestionError(error(f"`{question.name}` takes no as-of date", as_of.span,
                                      f"usage: {question.usage()}"))
        values[target.name] = _value(engine, question, target, as_of)
        params.remove(target)
    if len(arguments) > len(params):
        extra = arguments[len(params)]
        raise QuestionError(error(f"too many arguments for `{question.name}`", extra.span,
                                  f"usage: {question.usage()}"))
    for param, argument in zip(params, arguments):
        values[param.name] = _value(engine, question, param, argument)
    for param in params[len(arguments):]:
        if param.default is not None:
            values[param.name] = _value(engine, question, param, Argument(param.default))
        elif not param.optional:
            needed = [p.name for p in params[len(arguments):] if not p.optional and p.default is None]
            raise QuestionError(error(f"`{question.name}` needs {', '.join(needed)} "
                                      f"({', '.join(KIND_WORDS[p.kind] for p in params if p.name in needed)})",
                                      where, f"usage: {question.usage()}"))
    for param in question.params:  # an as-of left out: the session's own, so answers say it
        if param.kind == "as_of" and param.name not in values:
            day = current_as_of(engine)
            if day is not None:
                values[param.name] = day
    return values


def _const(value: object) -> ast.Const:
    if isinstance(value, datetime.date):
        return ast.Const(value, "date")
    if isinstance(value, bool):
        return ast.Const(str(value), "symbol")
    if isinstance(value, int):
        return ast.Const(value, "number")
    return ast.Const(str(value), "symbol")


def substitute(node: object, values: dict[str, object]) -> object:
    """`node` with each variable named in `values` replaced by its value."""
    if isinstance(node, ast.Var):
        return _const(values[node.name]) if node.name in values else node
    if isinstance(node, tuple):
        return tuple(substitute(item, values) for item in node)
    if isinstance(node, list):
        return [substitute(item, values) for item in node]
    if attrs.has(type(node)):
        changes = {}
        for field in attrs.fields(type(node)):  # type: ignore[arg-type]
            if field.name == "span" or not field.init:
                continue
            old = getattr(node, field.name)
            new = substitute(old, values)
            if new is not old:
                changes[field.name] = new
        return attrs.evolve(node, **changes) if changes else node  # type: ignore[misc]
    return node


@contextmanager
def judged_as_of(engine: Engine, days: tuple[datetime.date, ...]) -> Iterator[None]:
    """The engine with `as_of_setting(D)` for `days` for the time of the block, then as it was."""
    if not days or engine.relations().get("as_of_setting") != 1:
        yield
        return
    saved = engine.snapshot()
    try:
        engine.add_facts("as_of_setting", [(day,) for day in days])
        yield
    finally:
        engine.restore(saved)


def as_of_days(question: Question, values: dict[str, object], engine: Engine) -> tuple[datetime.date, ...]:
    """The as-of dates to set: those of as_of parameters other than the session's own."""
    current = current_as_of(engine)
    days = {values[p.name] for p in question.params if p.kind == "as_of" and p.name in values}
    if days == {current}:
        return ()
    return tuple(sorted(d for d in days if isinstance(d, datetime.date)))


def ask(engine: Engine, question: Question, values: dict[str, object]) -> list[Answer]:
    goal = substitute(question.goal, values)
    assert isinstance(goal, ast.Query)
    days = as_of_days(question, values, engine)
    with judged_as_of(engine, days):
        try:
            rows = engine.ask(goal)
        except QueryError as exc:  # a goal the catalogue could not check: say which question
            raise QuestionError([error(f"the goal of question `{question.name}` cannot be asked: {d.message}",
                                       question.where, d.hint) for d in exc.diagnostics]) from None
        found = []
        free = {p.name for p in question.params if p.name not in values}  # optional, left out
        seen = set()
        for row in rows:
            key = tuple(sorted((k, str(v)) for k, v in row.items() if k not in free))
            if key in seen:  # the same answer for other values of a free parameter
                continue
            seen.add(key)
            merged = {**values, **row}
            found.append(Answer(merged, _fact(engine, goal, merged, question.why), days))
    order = [name for name in question.order]
    found.sort(key=lambda a: (sort_key(tuple(a.values.get(n, "") for n in order)),
                              sort_key(tuple(a.values[k] for k in sorted(a.values)))))
    return found


def _derived(engine: Engine) -> set[str]:
    return {clause.head.relation for clause in engine.program.rules}


def _fact(engine: Engine, goal: ast.Query, values: dict[str, object], why: str | None = None) -> str | None:
    """The atom of the goal `:why N` explains, ground: of relation `why` if given, else the first
    derived atom that is not an `ask_` helper, else the first helper (of the alternative the answer
    satisfies; atoms with `_` cannot be ground and are passed over)."""
    derived = _derived(engine)
    for body in goal.bodies:
        candidates = []
        for literal in body:
            if (isinstance(literal, ast.Atom) and literal.relation in derived
                    and set(ast.literal_variables(literal)) <= set(values)
                    and not any(isinstance(a, ast.Wildcard) for a in literal.args)):
                candidates.append(literal)
        if why is not None:
            candidates = [c for c in candidates if c.relation == why]
        candidates.sort(key=lambda c: c.relation.startswith("ask_"))
        for literal in candidates:
            text = str(substitute(literal, values))
            try:
                if engine.query(text):
                    return text
            except Exception:
                continue
    return None
