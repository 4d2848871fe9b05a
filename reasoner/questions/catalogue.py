"""The catalogue of named questions, read from the facts a rule file states (rules/questions.dl).

`read_catalogue(engine)` reads `question`, `question_param`, `question_optional`,
`question_default`, `question_goal`, `question_answer`, `question_empty`, `question_keyword` and
`question_order` into `Question`s, and checks each: a goal that parses, parameters numbered 1, 2,
... with a known kind and used by the goal, templates that name variables the answer has. A
malformed question is left out of the catalogue with a diagnostic at the fact that is wrong
(file, line, column, the line and a caret); the others work.
"""

from __future__ import annotations

import re

import attrs

from reasoner import ast
from reasoner.engine import Engine
from reasoner.errors import Diagnostic, ReasonerError, error
from reasoner.source import SourceText, Span

KINDS = ("actor", "date", "as_of", "verb", "number", "symbol")
RELATIONS = {  # relation -> arity
    "question": 2, "question_param": 4, "question_optional": 2, "question_default": 3,
    "question_goal": 2, "question_answer": 2, "question_empty": 2, "question_keyword": 2,
    "question_order": 2, "question_why": 2, "question_verb_word": 2, "brief_section": 4,
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}")


class QuestionError(ReasonerError):
    """A question that cannot be asked: unknown, malformed, or given wrong arguments."""


@attrs.frozen
class Param:
    name: str  # a variable of the goal
    kind: str  # one of KINDS
    optional: bool = False
    default: str | None = None  # as typed


@attrs.frozen
class Question:
    name: str
    description: str
    params: tuple[Param, ...]
    goal: ast.Query
    answers: tuple[str, ...]  # sentence templates
    empty: str = ""
    keywords: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    why: str | None = None  # the relation of the goal atom `:why N` explains
    where: Span | None = attrs.field(default=None, eq=False)  # the question_goal fact

    def usage(self) -> str:
        """`blockers A B [AsOf]`."""
        parts = [f"[{p.name}]" if p.optional else p.name for p in self.params]
        return " ".join((self.name, *parts))

    def variables(self) -> set[str]:
        return set(ast.query_variables(self.goal)) | {p.name for p in self.params}


@attrs.frozen
class Section:
    position: int
    title: str
    question: str
    arguments: str  # `{A} {B} {AsOf}`


@attrs.frozen
class Catalogue:
    questions: dict[str, Question]
    sections: tuple[Section, ...]
    problems: tuple[Diagnostic, ...]
    broken: frozenset[str] = frozenset()  # declared, but malformed: left out
    verb_words: dict[str, str] = attrs.field(factory=dict)  # free words: `talks` -> negotiate


def _rows(engine: Engine, name: str) -> list[tuple]:
    if engine.relations().get(name) != RELATIONS[name]:
        return []
    return sorted(engine.relation(name), key=lambda row: tuple(str(v) for v in row))


def fact_span(engine: Engine, relation: str, row: tuple) -> Span | None:
    """Where a fact of rule text was stated (None if it came from elsewhere)."""
    return engine.state.text_fact_span(relation, row)


def read_catalogue(engine: Engine) -> Catalogue:
    problems: list[Diagnostic] = []

    def problem(relation: str, row: tuple, message: str, hint: str | None = None) -> None:
        problems.append(error(message, fact_span(engine, relation, row), hint))

    described = {name: text for name, text in _rows(engine, "question")}
    bad: set[str] = set()
    facts_of: dict[str, dict[str, list[tuple]]] = {}
    for relation in RELATIONS:
        if relation in ("question", "brief_section", "question_verb_word"):
            continue
        for row in _rows(engine, relation):
            name = row[0]
            if name not in described:
                problem(relation, row, f"`{relation}` of an unknown question `{name}`",
                        f"declare it with question(\"{name}\", \"what it asks\").")
                continue
            facts_of.setdefault(name, {}).setdefault(relation, []).append(row)

    questions: dict[str, Question] = {}
    for name, description in described.items():
        facts = facts_of.get(name, {})
        where = ("question", (name, description))
        goals = facts.get("question_goal", [])
        if len(goals) != 1:
            bad.add(name)
            problem(*where, f"question `{name}` has {len(goals)} goals; it needs exactly one "
                            "(question_goal(NAME, \"goal\"))")
            continue
        goal_row = goals[0]
        try:
            from reasoner.syntax import parse_query

            goal = parse_query(SourceText(f"<goal of {name}>", str(goal_row[1])))
        except ReasonerError as exc:
            bad.add(name)
            first = exc.diagnostics[0]
            problem("question_goal", goal_row, f"the goal of question `{name}` does not parse: {first.message}"
                    + (f" (column {first.column} of the goal)" if first.column else ""))
            continue
        variables = set(ast.query_variables(goal))
        params: list[Param] = []
        rows = sorted(facts.get("question_param", []), key=lambda row: row[1])
        optional = {row[1] for row in facts.get("question_optional", [])}
        defaults = {row[1]: str(row[2]) for row in facts.get("question_default", [])}
        broken = False
        for number, row in enumerate(rows, start=1):
            _, position, param, kind = row
            if position != number:
                problem("question_param", row, f"question `{name}`: parameter `{param}` is at position "
                        f"{position}, expected {number} (positions count 1, 2, ... without gaps)")
                broken = True
            elif kind not in KINDS:
                problem("question_param", row, f"question `{name}`: parameter `{param}` has an unknown kind "
                        f"`{kind}`", "kinds: " + ", ".join(KINDS))
                broken = True
            elif param not in variables:
                problem("question_param", row, f"question `{name}`: parameter `{param}` is not a variable "
                        "of its goal")
                broken = True
            params.append(Param(param, kind, param in optional or param in defaults, defaults.get(param)))
        names = {p.name for p in params}
        for relation in ("question_optional", "question_default"):
            for row in facts.get(relation, []):
                if row[1] not in names:
                    problem(relation, row, f"question `{name}` has no parameter `{row[1]}`")
                    broken = True
        known = variables | names
        templates = [row for row in facts.get("question_answer", [])]
        if not templates:
            problem(*where, f"question `{name}` has no answer template (question_answer(NAME, \"...\"))")
            broken = True
        for relation in ("question_answer", "question_empty"):
            for row in facts.get(relation, []):
                allowed = known if relation == "question_answer" else names
                for match in PLACEHOLDER.finditer(str(row[1])):
                    if match.group(1) not in allowed:
                        what = "the goal's variables and the parameters" if relation == "question_answer" else "the parameters"
                        problem(relation, row, f"question `{name}`: the template names `{{{match.group(1)}}}`, "
                                f"which is not among {what}")
                        broken = True
        for row in facts.get("question_order", []):
            if row[1] not in known:
                problem("question_order", row, f"question `{name}` cannot be ordered by `{row[1]}`: "
                        "not a variable of its goal")
                broken = True
        relations = {lit.relation for body in goal.bodies for lit in body if isinstance(lit, ast.Atom)}
        for row in facts.get("question_why", []):
            if row[1] not in relations:
                problem("question_why", row, f"question `{name}`: `{row[1]}` is not a relation of its goal")
                broken = True
        if broken:
            bad.add(name)
            continue
        questions[name] = Question(
            name, str(description), tuple(params), goal, tuple(str(row[1]) for row in templates),
            str(facts["question_empty"][0][1]) if facts.get("question_empty") else "",
            frozenset(str(row[1]).lower() for row in facts.get("question_keyword", [])),
            tuple(str(row[1]) for row in facts.get("question_order", [])),
            str(facts["question_why"][0][1]) if facts.get("question_why") else None,
            fact_span(engine, "question_goal", goal_row))

    sections = []
    for row in _rows(engine, "brief_section"):
        position, title, question, arguments = row
        if question not in questions:
            if question not in bad:
                problem("brief_section", row, f"brief section `{title}` asks an unknown question `{question}`")
            continue
        sections.append(Section(position, str(title), str(question), str(arguments)))
    sections.sort(key=lambda s: s.position)
    problems.sort(key=Diagnostic.sort_key)
    verb_words = {str(word).lower(): str(verb) for word, verb in _rows(engine, "question_verb_word")}
    return Catalogue(questions, tuple(sections), tuple(problems), frozenset(bad), verb_words)
