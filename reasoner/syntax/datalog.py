"""Parse rule-language text into `reasoner.ast` statements.

The grammar (`grammar/datalog.lark`) is LALR(1) and deliberately loose in two places, which
this module resolves from the context: an `application` `f(...)` is an atom where a literal is
expected and a functor call inside a term; a `group` `(...)` is a disjunction where a literal
is expected and a parenthesised term inside a term. Disjunctions in rule bodies are expanded
here, so every `Clause` has a plain conjunctive body.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import math
from collections.abc import Callable, Iterator

import attrs
import lark
from lark.exceptions import UnexpectedInput

from reasoner import ast
from reasoner.errors import Diagnostic, ParseError, error
from reasoner.functors import FUNCTORS, TESTS
from reasoner.limits import BIG, MAX_DIGITS
from reasoner.resources import grammar_text
from reasoner.source import SourceText, Span
from reasoner.syntax.components import expand_components
from reasoner.syntax.lark_errors import diagnostic_from_lark
from reasoner.syntax.preprocess import Expansion, Macros, needs_preprocessing, preprocess


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


def parse_program(source: SourceText, macros: Macros | None = None) -> list[ast.Statement]:
    """Parse a whole rule file. Raises `ParseError` with every problem found.

    Its preprocessor lines (`#define`, `#ifdef`...) are applied first, with `macros` (the
    macros defined so far, updated by the file's `#define` and `#undef` lines)."""
    if macros is None:
        macros = {}
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
# A body with `;` is expanded to one rule per alternative: `(a;b), (c;d), ...` doubles with
# every group, so the expansion is capped.
MAX_ALTERNATIVES = 1024


def _too_deep(tree: lark.Tree, limit: int) -> lark.Tree | None:
    """The first node of `tree` more than `limit` levels down (None if there is none)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, lark.Tree))
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


def unescape(body: str) -> str:
    out = []
    chars = iter(body)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


class _Builder:
    def __init__(self, source: SourceText, column_shift: int = 0,
                 columns: Callable[[int, int], int] | None = None):
        self.source = source
        self.shift = column_shift
        self.columns = columns  # from columns of the preprocessed text to those of `source`
        self.diagnostics: list[Diagnostic] = []

    # ---- positions -------------------------------------------------------------------
    def _col(self, line: int, column: int) -> int:
        if self.columns is not None:
            return self.columns(line, column)
        return max(1, column - self.shift) if line == 1 else column

    def span(self, node) -> Span | None:
        if isinstance(node, lark.Token):
            if node.line is None:
                return None
            return Span(
                self.source,
                node.line,
                self._col(node.line, node.column),
                node.end_line,
                self._col(node.end_line, node.end_column - 1),
            )
        meta = node.meta
        if getattr(meta, "empty", True):
            return None
        return Span(
            self.source,
            meta.line,
            self._col(meta.line, meta.column),
            meta.end_line,
            self._col(meta.end_line, meta.end_column - 1),
        )

    def fail(self, message: str, node, hint: str | None = None) -> None:
        span = node if isinstance(node, Span) or node is None else self.span(node)
        self.diagnostics.append(error(message, span, hint))

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
            elif kind in ("subtype_decl", "alias_decl", "symbol_type_decl", "number_type_decl"):
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

    def name(self, tree) -> str:
        return str(tree.children[0])

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
        if tree.data == "alias_decl":
            bases = tuple(self.name(c) for c in tree.children[1:])
            return ast.TypeDeclaration(name, "alias", bases, self.span(tree))
        base = "symbol" if tree.data == "symbol_type_decl" else "number"
        return ast.TypeDeclaration(name, "subtype", (base,), self.span(tree))

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
        if len(bodies) > 1:
            shared = frozenset(_repeated_variables(tree))
        for head in heads:
            self.check_generators(head.args, ())
            for body in bodies:
                self.check_generators((), body)
                yield ast.Clause(head, body, span, shared)

    def subsumption(self, tree: lark.Tree) -> Iterator[ast.Subsumption]:
        tree = _without_plan(tree)
        dominated, op, dominating = tree.children[:3]
        if str(op) != "<=":
            self.fail(f"expected `<=` between the two tuples of a subsumption, not `{op}`", op,
                      "write `p(X) <= p(Y) :- X < Y.`: the left tuple is removed")
            return
        bodies = self.body(tree.children[3]) if len(tree.children) > 3 else [()]
        for body in bodies:
            yield ast.Subsumption(self.atom(dominated), self.atom(dominating), body, self.span(tree))

    def query(self, tree: lark.Tree) -> ast.Query:
        bodies = self.body(tree.children[1])
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

    # ---- bodies ----------------------------------------------------------------------
    def disjunction(self, tree: lark.Tree) -> list[tuple[ast.Literal, ...]]:
        """The alternatives of a disjunction, each a conjunction (disjunctive normal form)."""
        alternatives: list[tuple[ast.Literal, ...]] = []
        for conjunction in tree.children:
            choices = [self.literal(item) for item in conjunction.children]
            if math.prod(len(c) for c in choices) + len(alternatives) > MAX_ALTERNATIVES:
                self.fail(f"this body has more than {MAX_ALTERNATIVES} alternatives once its `;` are "
                          "expanded", tree, "define helper relations for the alternatives")
                return [()]
            for combination in itertools.product(*choices):
                alternatives.append(tuple(lit for part in combination for lit in part))
        return alternatives

    def literal(self, node) -> list[tuple[ast.Literal, ...]]:
        """A literal as a list of alternatives (more than one only for a group with `;`)."""
        kind = node.data if isinstance(node, lark.Tree) else None
        if kind == "application":
            return [(self.atom_or_test(node),)]
        if kind == "group":
            return self.disjunction(node.children[0])
        if kind == "comparison":
            left, op, right = node.children
            return [(ast.Comparison(str(op), self.term(left), self.term(right), self.span(node)),)]
        if kind == "negation":
            inner = node.children[0]
            if isinstance(inner, lark.Tree) and inner.data in ("application", "group", "negation"):
                return self.negated(self.literal(inner), node)
            self.fail("`!` applies to an atom or a parenthesised body", node,
                      "write `!relation(...)` or `!(X > 1 ; relation(X))`")
            return [()]
        if kind == "true_literal":
            return [(ast.Truth(True, self.span(node)),)]
        if kind == "false_literal":
            return [(ast.Truth(False, self.span(node)),)]
        return [(_TermLiteral(self.term(node), self.span(node)),)]

    def negated(self, alternatives: list[tuple[ast.Literal, ...]], node) -> list[tuple[ast.Literal, ...]]:
        """`!(a1 ; a2 ; ...)`, each `ai` a conjunction, in disjunctive normal form: every
        alternative negated is a choice of one of its literals negated (De Morgan)."""
        span = self.span(node)
        choices = [[_negate(literal, span) for literal in alternative] for alternative in alternatives]
        if math.prod(len(c) for c in choices) > MAX_ALTERNATIVES:
            self.fail(f"this negation has more than {MAX_ALTERNATIVES} alternatives once expanded", node,
                      "define a helper relation for the negated body")
            return [()]
        return [tuple(combination) for combination in itertools.product(*choices)]

    def body(self, tree: lark.Tree) -> list[tuple[ast.Literal, ...]]:
        """The alternatives of a rule or query body; every literal must be a real literal."""
        alternatives = self.disjunction(tree)
        reported = set()
        for body in alternatives:
            for literal in body:
                if isinstance(literal, _TermLiteral) and id(literal) not in reported:
                    reported.add(id(literal))
                    self.fail(
                        "expected an atom or a comparison",
                        literal.span,
                        "a body literal is `rel(...)`, `!rel(...)` or a comparison such as `X < Y`",
                    )
        return [b for b in alternatives]

    def atom_or_test(self, tree: lark.Tree) -> ast.Atom | ast.Test:
        name = self.name(tree.children[0])
        args = tuple(self.term(c) for c in tree.children[1:])
        if name in TESTS:
            if len(args) != TESTS[name]:
                self.fail(f"`{name}` takes {TESTS[name]} arguments, not {len(args)}", tree)
            return ast.Test(name, args, False, self.span(tree))
        return ast.Atom(name, args, self.span(tree))

    def atom(self, tree: lark.Tree) -> ast.Atom:
        name = self.name(tree.children[0])
        return ast.Atom(name, tuple(self.term(c) for c in tree.children[1:]), self.span(tree))

    # ---- terms -----------------------------------------------------------------------
    def term(self, node) -> ast.Term:
        span = self.span(node)
        if isinstance(node, lark.Token):  # a bare token reaching here is a malformed term
            self.fail(f"unexpected `{node}`", node)
            return ast.Wildcard(span)
        kind = node.data
        if kind == "variable":
            return ast.Var(str(node.children[0]), span)
        if kind == "wildcard":
            return ast.Wildcard(span)
        if kind == "counter":
            return ast.Call("autoinc", (), span)
        if kind == "number":
            text = str(node.children[0])
            try:
                value = int(text, 0) if text[:2] in ("0x", "0b") else int(text)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                value = BIG
            if value >= BIG:
                self.fail(f"number with too many digits ({len(text):,} characters; an integer has "
                          f"fewer than {MAX_DIGITS:,} decimal digits)", node)
                return ast.Wildcard(span)
            return ast.Const(value, "number", span)
        if kind == "float":
            return ast.Const(float(str(node.children[0])), "float", span)
        if kind == "unsigned":
            text = str(node.children[0])[:-1]
            value = int(text, 0) if text[:2] in ("0x", "0b") else int(text)
            if value >= BIG:
                self.fail(f"number with too many digits ({len(text):,} characters)", node)
                return ast.Wildcard(span)
            return ast.Const(value, "unsigned", span)
        if kind == "date":
            return self.date_constant(str(node.children[0]), node)
        if kind == "string":
            return ast.Const(unescape(str(node.children[0])[1:-1]), "symbol", span)
        if kind == "binary":
            left, op, right = node.children
            return ast.Call(str(op), (self.term(left), self.term(right)), span)
        if kind == "prefix":
            op, operand = node.children
            return ast.Call(str(op), (self.term(operand),), span)
        if kind == "negate":
            inner = self.term(node.children[0])
            if isinstance(inner, ast.Const) and inner.kind in ("number", "float"):
                return ast.Const(-inner.value, inner.kind, span)
            return ast.Call("neg", (inner,), span)
        if kind == "group":
            alternatives = self.disjunction(node.children[0])
            if (
                len(alternatives) == 1
                and len(alternatives[0]) == 1
                and isinstance(alternatives[0][0], _TermLiteral)
            ):
                return alternatives[0][0].term
            self.fail("expected a value in parentheses", node)
            return ast.Wildcard(span)
        if kind == "user_call":
            return ast.Call("@" + str(node.children[0]), tuple(self.term(c) for c in node.children[1:]), span)
        if kind in ("application", "call"):
            head = node.children[0]
            name = self.name(head) if isinstance(head, lark.Tree) else str(head)
            args = tuple(self.term(c) for c in node.children[1:])
            return self.call(name, args, node)
        if kind == "count_aggregate":
            return ast.Aggregate("count", None, self.aggregate_body(node.children[0]), span)
        if kind == "value_aggregate":
            op, target, body = node.children
            return ast.Aggregate(str(op), self.term(target), self.aggregate_body(body), span)
        self.fail("expected a value", node)
        return ast.Wildcard(span)

    def call(self, name: str, args: tuple[ast.Term, ...], node) -> ast.Term:
        span = self.span(node)
        if name == "date" and len(args) == 1 and isinstance(args[0], ast.Const) and args[0].kind == "symbol":
            return self.date_constant(str(args[0].value), node)
        if name in TESTS:
            self.fail(f"`{name}` is a constraint, not a value", node,
                      f"use `{name}(...)` on its own as a body literal")
            return ast.Wildcard(span)
        signature = FUNCTORS.get(name)
        if signature is None:
            hint = None
            if name[:1].isalpha():
                hint = "an atom cannot be used as a value; bind a variable in the body instead"
            self.fail(f"unknown functor `{name}`", node, hint)
            return ast.Wildcard(span)
        low, high = signature.arity
        if not (low <= len(args) and (high is None or len(args) <= high)):
            expected = str(low) if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
            self.fail(f"`{name}` takes {expected} arguments, not {len(args)}", node)
        return ast.Call(name, args, span)

    def date_constant(self, text: str, node) -> ast.Term:
        try:
            value = datetime.date.fromisoformat(text)
            if len(text) != 10:
                raise ValueError("expected YYYY-MM-DD")
        except ValueError as exc:
            self.fail(f"invalid date `{text}`: {exc}", node, "dates are written YYYY-MM-DD, e.g. 2025-10-22")
            return ast.Wildcard(self.span(node))
        return ast.Const(value, "date", self.span(node))

    def aggregate_body(self, tree: lark.Tree) -> tuple[ast.Literal, ...]:
        inner = tree.children[0]
        if inner.data == "atom":
            return (self.atom(inner),)
        alternatives = self.body(inner)
        if len(alternatives) != 1:
            self.fail("disjunction `;` is not allowed inside an aggregate", tree,
                      "define a helper relation with one rule per alternative")
            return alternatives[0] if alternatives else ()
        return alternatives[0]


def _without_plan(tree: lark.Tree) -> lark.Tree:
    """A clause without its `.plan` (a join order for Soufflé's planner)."""
    children = [c for c in tree.children if not (isinstance(c, lark.Tree) and c.data == "query_plan")]
    if len(children) == len(tree.children):
        return tree
    return lark.Tree(tree.data, children, tree.meta)


def _generates(call: ast.Call) -> bool:
    functor = FUNCTORS.get(call.op)
    return functor is not None and functor.generator


_OPPOSITE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _negate(literal: ast.Literal, span: Span | None) -> ast.Literal:
    """The literal that holds exactly when `literal` does not (for a body already grounded)."""
    if isinstance(literal, ast.Atom):
        return ast.Negation(literal, span)
    if isinstance(literal, ast.Negation):
        return literal.atom
    if isinstance(literal, ast.Test):
        return ast.Test(literal.op, literal.args, not literal.negated, span)
    if isinstance(literal, ast.Comparison):
        return ast.Comparison(_OPPOSITE[literal.op], literal.left, literal.right, literal.span)
    if isinstance(literal, ast.Truth):
        return ast.Truth(not literal.value, literal.span)
    return literal  # a bare term, reported by `body`


def _repeated_variables(tree: lark.Tree) -> set[str]:
    """Names of the variables that occur more than once in a parse tree."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "variable":
            name = str(node.children[0])
            (repeated if name in seen else seen).add(name)
    return repeated


class _TermLiteral:
    """A bare term where a literal was expected (only valid as a parenthesised term)."""

    def __init__(self, term: ast.Term, span: Span | None):
        self.term = term
        self.span = span
