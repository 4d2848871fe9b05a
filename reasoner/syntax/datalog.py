"""Parse rule-language text into `reasoner.ast` statements.

The text is first preprocessed (`preprocess.py`: `#define`, `#ifdef`...), then parsed by the
grammar (`grammar/datalog.lark`), which is LALR(1) and deliberately loose in two places,
resolved from the context (`terms.py`): an `application` `f(...)` is an atom where a literal is
expected and a functor call inside a term; a `group` `(...)` is a disjunction where a literal
is expected and a parenthesised term inside a term. Disjunctions in rule bodies are expanded,
so every `Clause` has a plain conjunctive body; components are expanded last
(`components.py`), so the program sees plain statements.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import attrs
import lark
from lark.exceptions import UnexpectedInput

from reasoner import ast
from reasoner.errors import Diagnostic, ParseError, error
from reasoner.functors import FUNCTORS
from reasoner.resources import grammar_text
from reasoner.source import SourceText, Span
from reasoner.syntax.aggregate_scopes import scope_aggregates
from reasoner.syntax.components import expand_components
from reasoner.syntax import parse_cache
from reasoner.syntax.lark_errors import diagnostic_from_lark
from reasoner.syntax.preprocess import Expansion, Macros, needs_preprocessing, preprocess
from reasoner.syntax.records import lower_body
from reasoner.syntax.terms import TermBuilder, unescape


@functools.cache
def _parser() -> lark.Lark:
    # Built once per process and never mutated: lark's LALR parser keeps its parse state
    # per call, so sharing it between engines and threads is safe.
    return lark.Lark(
        grammar_text("datalog.lark"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        start=["start"],
        cache=True,  # lark stores the built tables in the temp directory, keyed by grammar hash
    )


@functools.cache
def _keyword_patterns() -> dict[str, str]:
    """Literal text of the grammar's string terminals, for error messages."""
    return {
        t.name: t.pattern.value
        for t in _parser().terminals
        if t.pattern.type == "str"
    }


def parse_program(source: SourceText, macros: Macros | None = None,
                  components: bool = True) -> list[ast.Statement]:
    """Parse a whole rule file. Raises `ParseError` with every problem found.

    Its preprocessor lines (`#define`, `#ifdef`...) are applied first, with `macros` (the
    macros defined so far, updated by the file's `#define` and `#undef` lines). With
    `components` false its `.comp`, `.init` and `.override` statements are left for the caller
    to expand (`expand_all_components`), once the files it includes are read too. A file
    parsed before is read back from the on-disk cache (`parse_cache.py`)."""
    return parse_cache.cached(_parse_program, source, {} if macros is None else macros, components)


def _parse_program(source: SourceText, macros: Macros, components: bool) -> list[ast.Statement]:
    expansion = None
    text = source.text
    if needs_preprocessing(text, macros):
        expansion = preprocess(source, macros)
        if expansion.diagnostics:
            raise ParseError(expansion.diagnostics)
        text = expansion.text
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        if expansion is None:
            raise ParseError(diagnostic_from_lark(exc, source, "rule text", _keyword_patterns())) from None
        expanded = diagnostic_from_lark(exc, SourceText(source.name, text), "rule text", _keyword_patterns())
        raise ParseError(_in_original(expanded, source, expansion)) from None
    builder = _Builder(source, columns=expansion.column if expansion is not None else None)
    statements = list(builder.statements(tree))
    if builder.diagnostics:
        raise ParseError(builder.diagnostics)
    return expand_all_components(statements) if components else statements


def expand_all_components(statements: list[ast.Statement]) -> list[ast.Statement]:
    """`statements` with their components expanded (`syntax/components.py`); a `ParseError`
    with the problems found."""
    if any(isinstance(s, (ast.Component, ast.Instance, ast.Override)) for s in statements):
        statements, problems = expand_components(statements)  # type: ignore[arg-type]
        if problems:
            raise ParseError(problems)
    return statements


def parse_query(source: SourceText) -> ast.Query:
    """Parse a goal, written `?- goal.`, `goal.` or just `goal`."""
    text = source.text.strip()
    if not text.startswith("?-"):
        text = "?- " + source.text
        offset = 3
    else:
        text = source.text
        offset = 0
    if not text.rstrip().endswith("."):
        text = text.rstrip() + "."
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        if offset:
            # Report positions against what the user typed, not our `?- ` prefix.
            shifted = _shift_error(exc, offset)
            raise ParseError(diagnostic_from_lark(shifted, source, "query", _keyword_patterns())) from None
        raise ParseError(diagnostic_from_lark(exc, source, "query", _keyword_patterns())) from None
    builder = _Builder(source, column_shift=offset)
    statements = list(builder.statements(tree))
    if builder.diagnostics:
        raise ParseError(builder.diagnostics)
    if len(statements) != 1 or not isinstance(statements[0], ast.Query):
        span = Span.at(source, 1, 1, max(1, len(source.line(1))))
        raise ParseError(error("expected a single goal", span, "write a query as `?- p(X), q(X).`"))
    return statements[0]


def _in_original(diagnostic: Diagnostic, source: SourceText, expansion: Expansion) -> Diagnostic:
    """A diagnostic about the expanded text, pointing into the text as written."""
    span = diagnostic.span
    if span is None:
        return diagnostic
    start = expansion.column(span.line, span.column)
    end = max(start, expansion.column(span.end_line, span.end_column))
    return attrs.evolve(diagnostic, span=Span(source, span.line, start, span.end_line, end))


def _shift_error(exc: UnexpectedInput, offset: int) -> UnexpectedInput:
    for attr in ("column", "pos_in_stream"):
        if hasattr(exc, attr) and isinstance(getattr(exc, attr), int) and exc.line == 1:
            setattr(exc, attr, max(getattr(exc, attr) - offset, 1 if attr == "column" else 0))
    token = getattr(exc, "token", None)
    if token is not None and getattr(token, "line", None) == 1 and token.type != "$END":
        exc.token = lark.Token.new_borrow_pos(token.type, str(token), token)
        exc.token.column = max(token.column - offset, 1)
        exc.token.end_column = max((token.end_column or 1) - offset, 1)
    history = getattr(exc, "token_history", None)
    if history:
        fixed = []
        for tok in history:
            t = lark.Token.new_borrow_pos(tok.type, str(tok), tok)
            if tok.line == 1:
                t.column = max(tok.column - offset, 1)
            if tok.end_line == 1:
                t.end_column = max(tok.end_column - offset, 1)
            fixed.append(t)
        exc.token_history = fixed
    return exc


# Limits on the shape of a statement. Later stages walk terms recursively and compile them to
# Python expressions, so an expression nested deeper than this (`- - - ... 1`, `((((1))))`,
# `1 + 1 + ... + 1`) is reported instead of exhausting the stack; the limit counts levels of the
# parse tree, and no hand-written rule comes near it.
MAX_NESTING = 100
def _too_deep(tree: lark.Tree, limit: int) -> lark.Tree | None:
    """The first node of `tree` more than `limit` levels down (None if there is none)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, lark.Tree))
    return None


class _Builder(TermBuilder):
    """The statements of a rule file (declarations, directives, clauses, components...)."""

    # ---- statements ------------------------------------------------------------------
    def statements(self, tree: lark.Tree) -> Iterator[ast.Statement]:
        for child in tree.children:
            if child.data == "component":
                yield self.component(child)  # type: ignore[misc]
                continue
            if child.data == "instance":
                yield ast.Instance(str(child.children[0]), self.comp_ref(child.children[1]),  # type: ignore[misc]
                                   self.span(child))
                continue
            if child.data == "override":
                yield ast.Override(str(child.children[0]), self.span(child))  # type: ignore[misc]
                continue
            deep = _too_deep(child, MAX_NESTING)
            if deep is not None:
                self.fail(f"expression nested too deeply (the limit is about {MAX_NESTING} levels "
                          "of operators, parentheses, calls and aggregates)", deep,
                          "split it with helper variables, e.g. `Y = ..., X = Y + 1`")
                continue
            kind = child.data
            if kind == "decl":
                yield from self.decl(child)
            elif kind in ("subtype_decl", "alias_decl", "symbol_type_decl", "number_type_decl", "record_decl",
                          "adt_decl"):
                yield self.type_decl(child)
            elif kind == "io_directive":
                yield from self.io_directive(child)
            elif kind == "include":
                path = next(c for c in child.children if isinstance(c, lark.Token) and c.type == "STRING")
                yield ast.Include(unescape(str(path)[1:-1]), self.span(path))
            elif kind == "functor_decl":
                yield self.functor_decl(child)
            elif kind == "pragma":
                key, *value = (unescape(str(c)[1:-1]) for c in child.children if isinstance(c, lark.Token))
                yield ast.Pragma(key, value[0] if value else None, self.span(child))
            elif kind == "clause":
                yield from self.clause(child)
            elif kind == "query":
                yield self.query(child)
            elif kind == "subsumption":
                yield from self.subsumption(child)

    def component(self, tree: lark.Tree) -> ast.Component:
        name = str(tree.children[0])
        parameters: list[str] = []
        bases: list[ast.ComponentRef] = []
        body: list[lark.Tree] = []
        inside = False
        for child in tree.children[1:]:
            if isinstance(child, lark.Token):
                if child.type == "TYPE_OPEN":
                    inside = True
                elif child.type == "TYPE_CLOSE":
                    inside = False
                elif inside:
                    parameters.append(str(child))
            elif child.data == "comp_ref":
                bases.append(self.comp_ref(child))
            else:
                body.append(child)
        statements = tuple(self.statements(lark.Tree("start", body)))
        return ast.Component(name, tuple(parameters), tuple(bases), statements, self.span(tree))

    def comp_ref(self, tree: lark.Tree) -> ast.ComponentRef:
        arguments = tuple(self.name(c) for c in tree.children[1:] if isinstance(c, lark.Tree))
        return ast.ComponentRef(str(tree.children[0]), arguments, self.span(tree))

    def decl(self, tree: lark.Tree) -> Iterator[ast.Declaration]:
        names = [c for c in tree.children if isinstance(c, lark.Tree) and c.data == "qualified_name"]
        attributes = tuple(
            ast.Attribute(str(c.children[0]), self.name(c.children[1]), self.span(c))
            for c in tree.children
            if isinstance(c, lark.Tree) and c.data == "attribute"
        )
        qualifiers = tuple(
            str(c.children[0])
            for c in tree.children
            if isinstance(c, lark.Tree) and c.data == "qualifier"
        )
        choice = tuple(
            tuple(str(name) for name in domain.children)
            for c in tree.children if isinstance(c, lark.Tree) and c.data == "choice_domain"
            for domain in c.children if isinstance(domain, lark.Tree)
        )
        seen: dict[str, ast.Attribute] = {}
        for attribute in attributes:
            if attribute.name in seen:
                self.fail(f"attribute `{attribute.name}` is declared twice", attribute.span)
            seen[attribute.name] = attribute
        for name in names:
            yield ast.Declaration(self.name(name), attributes, qualifiers, self.span(tree), choice)

    def type_decl(self, tree: lark.Tree) -> ast.TypeDeclaration:
        name = str(tree.children[0])
        if tree.data == "subtype_decl":
            return ast.TypeDeclaration(name, "subtype", (self.name(tree.children[2]),), self.span(tree))
        if tree.data == "record_decl":
            return ast.TypeDeclaration(name, "record", (), self.span(tree), fields=self.record_fields(tree))
        if tree.data == "adt_decl":
            branches = tuple(ast.Branch(str(b.children[0]), self.record_fields(b), self.span(b))
                             for b in tree.children[1:])
            return ast.TypeDeclaration(name, "adt", (), self.span(tree), branches=branches)
        if tree.data == "alias_decl":
            bases = tuple(self.name(c) for c in tree.children[1:])
            return ast.TypeDeclaration(name, "alias", bases, self.span(tree))
        base = "symbol" if tree.data == "symbol_type_decl" else "number"
        return ast.TypeDeclaration(name, "subtype", (base,), self.span(tree))

    def record_fields(self, tree: lark.Tree) -> tuple[ast.Attribute, ...]:
        """The `name: type` fields of a record type or of a branch of an algebraic data type."""
        return tuple(ast.Attribute(str(c.children[0]), self.name(c.children[1]), self.span(c))
                     for c in tree.children if isinstance(c, lark.Tree) and c.data == "record_field")

    def functor_decl(self, tree: lark.Tree) -> ast.FunctorDeclaration:
        name = str(tree.children[0])
        params = tuple(self.name(p.children[-1]) for p in tree.children[1:]
                       if isinstance(p, lark.Tree) and p.data == "functor_param")
        result = next(c for c in reversed(tree.children) if isinstance(c, lark.Tree) and c.data == "qualified_name")
        stateful = any(isinstance(c, lark.Token) and c.type == "STATEFUL" for c in tree.children)
        return ast.FunctorDeclaration(name, params, self.name(result), stateful, self.span(tree))

    def io_directive(self, tree: lark.Tree) -> Iterator[ast.IODirective]:
        kind = str(tree.children[0])[1:]
        names = [c for c in tree.children[1:] if c.data == "qualified_name"]
        options: list[tuple[str, object]] = []
        for c in tree.children[1:]:
            if c.data == "io_options":
                for option in c.children:
                    key = str(option.children[0])
                    value = option.children[1]
                    if isinstance(value, lark.Tree):
                        options.append((key, value.data == "true_value"))
                    elif value.type == "STRING":
                        options.append((key, unescape(str(value)[1:-1])))
                    else:
                        options.append((key, str(value)))
        for name in names:
            yield ast.IODirective(kind, self.name(name), tuple(options), self.span(tree))

    def clause(self, tree: lark.Tree) -> Iterator[ast.Clause]:
        head_tree = tree.children[0]
        heads = [self.atom(a) for a in head_tree.children]
        tree = _without_plan(tree)
        if len(tree.children) == 1:
            bodies: list[tuple[ast.Literal, ...]] = [()]
        else:
            bodies = self.body(tree.children[1])
        span = self.span(tree)
        shared = None
        if len(bodies) > 1 or len(heads) > 1:  # a variable of one alternative or one head is not a singleton
            shared = frozenset(_repeated_variables(tree))
        lowered = [lower_body(body, self.diagnostics) for body in bodies]  # record patterns
        for head in heads:
            self.check_generators(head.args, ())
            for body, written in zip(lowered, bodies):
                self.check_generators((), body)
                clause, problems = scope_aggregates(ast.Clause(head, body, span, shared,
                                                               written if body is not written else None))
                self.diagnostics += problems
                yield clause

    def subsumption(self, tree: lark.Tree) -> Iterator[ast.Subsumption]:
        tree = _without_plan(tree)
        dominated, op, dominating = tree.children[:3]
        if str(op) != "<=":
            self.fail(f"expected `<=` between the two tuples of a subsumption, not `{op}`", op,
                      "write `p(X) <= p(Y) :- X < Y.`: the left tuple is removed")
            return
        bodies = self.body(tree.children[3]) if len(tree.children) > 3 else [()]
        bodies = [lower_body(body, self.diagnostics) for body in bodies]
        for body in bodies:
            yield ast.Subsumption(self.atom(dominated), self.atom(dominating), body, self.span(tree))

    def query(self, tree: lark.Tree) -> ast.Query:
        bodies = [lower_body(body, self.diagnostics) for body in self.body(tree.children[1])]
        for body in bodies:
            self.check_generators((), body)
        return ast.Query(tuple(bodies), self.span(tree))

    def check_generators(self, terms: tuple[ast.Term, ...], body: tuple[ast.Literal, ...]) -> None:
        """A generating functor (`range`) may only be the whole of one side of `X = ...`."""
        misplaced: list[ast.Call] = []
        pending: list[ast.Term] = list(terms)
        for literal in body:
            if (isinstance(literal, ast.Comparison) and literal.op == "="
                    and isinstance(literal.left, ast.Var) != isinstance(literal.right, ast.Var)):
                for side in (literal.left, literal.right):
                    if isinstance(side, ast.Call) and _generates(side):
                        pending.extend(side.args)
                    else:
                        pending.append(side)
            else:
                pending.extend(ast.literal_terms(literal))
        while pending:
            term = pending.pop()
            if isinstance(term, ast.Call):
                if _generates(term):
                    misplaced.append(term)
                pending.extend(term.args)
            elif isinstance(term, ast.Aggregate):
                if term.target is not None:
                    pending.append(term.target)
                self.check_generators((), term.body)
        for call in dict.fromkeys(misplaced):
            self.fail(f"`{call.op}` gives several values: it can only be bound to a variable", call.span,
                      f"write `X = {call}` as a literal of its own and use X here")

def _without_plan(tree: lark.Tree) -> lark.Tree:
    """A clause without its `.plan` (a join order for Soufflé's planner)."""
    children = [c for c in tree.children if not (isinstance(c, lark.Tree) and c.data == "query_plan")]
    if len(children) == len(tree.children):
        return tree
    return lark.Tree(tree.data, children, tree.meta)


def _generates(call: ast.Call) -> bool:
    functor = FUNCTORS.get(call.op)
    return functor is not None and functor.generator


def _repeated_variables(tree: lark.Tree) -> set[str]:
    """Names of the variables that occur more than once in a parse tree."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "variable":
            name = str(node.children[0])
            (repeated if name in seen else seen).add(name)
    return repeated
