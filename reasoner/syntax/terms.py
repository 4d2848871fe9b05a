"""Bodies and terms of the rule language, from lark's parse tree to `reasoner.ast`.

`TermBuilder` keeps the positions (a span for every node, columns mapped back through the
preprocessor's expansion or a query's prefix) and builds literals and terms. A disjunction is
expanded into alternatives (disjunctive normal form), and so is a negated parenthesised body
(`!(a ; b)` is `!a, !b`; `!!a` is `a`). `reasoner.syntax.datalog` adds the statements.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Callable

import lark

from reasoner import ast
from reasoner.errors import Diagnostic, error
from reasoner.functors import FUNCTORS, TESTS
from reasoner.limits import BIG, MAX_DIGITS
from reasoner.source import SourceText, Span

# A body with `;` is expanded to one rule per alternative: `(a;b), (c;d), ...` doubles with
# every group, so the expansion is capped.
MAX_ALTERNATIVES = 1024


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


class TermBuilder:
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

    def name(self, tree) -> str:
        return str(tree.children[0])

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
        if kind == "record":  # `[a, b]`, a record (`reasoner.records`)
            return ast.Call("[]", tuple(self.term(c) for c in node.children if c is not None), span)
        if kind == "nil":
            return ast.Call("nil", (), span)
        if kind == "constructor":  # `$Branch(a, b)`, a branch of an algebraic data type
            name, *fields = (c for c in node.children if c is not None)
            return ast.Call(f"${name}", tuple(self.term(c) for c in fields), span)
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


class _TermLiteral:
    """A bare term where a literal was expected (only valid as a parenthesised term)."""

    def __init__(self, term: ast.Term, span: Span | None):
        self.term = term
        self.span = span
