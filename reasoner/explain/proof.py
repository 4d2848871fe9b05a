"""What an explanation is: proof trees for facts that hold, rule failures for facts that don't.

These are plain attrs values, built by `reasoner.explain.search` (why) and
`reasoner.explain.whynot` (why not) and printed by `reasoner.explain.render` as an indented
tree, JSON or Graphviz DOT.
"""

from __future__ import annotations

import attrs

from reasoner import ast
from reasoner.source import Span


@attrs.frozen
class Quote:
    """A verbatim sentence of an article supporting an event statement."""

    source: str  # source id, e.g. s002
    article: str  # the article's file name ("" if the source names none)
    title: str  # the article's headline ("" if none)
    text: str  # the quote itself


@attrs.frozen
class Origin:
    """Where an input fact came from.

    kind: "event" (a statement of an events file), "rule-text" (a fact written in a rule file),
    "input-file" (a `.input` fact file), "vocabulary" (the verb table) or "api"
    (`Engine.add_facts`).
    """

    kind: str
    span: Span | None = None  # file and line of the statement (None for facts added through the API)
    statement: str | None = None  # the statement's id, for kind "event"
    quotes: tuple[Quote, ...] = ()
    statement_kind: str = "event"  # event, precondition, deadline, source, actor or person

    def describe(self) -> str:
        """One line: what kind of input and where, e.g. `event statement peskov_x, corpus/002.events:9`."""
        where = f"{self.span.file}:{self.span.line}" if self.span is not None else ""
        label = {
            "event": f"{self.statement_kind} statement {self.statement or ''}".rstrip(),
            "rule-text": "fact",
            "input-file": "input fact",
            "vocabulary": "verb vocabulary",
            "api": "added through Engine.add_facts",
        }.get(self.kind, self.kind)
        return f"{label}, {where}" if where else label


@attrs.frozen
class ProofNode:
    """One node of a proof tree.

    kind:
      "derived"   a fact derived by `rule`; `children` prove its body, in the rule's order
      "fact"      an input fact, with its `origin`
      "negation"  a negated body literal that holds: `text` reads `no p(1, _)`
      "aggregate" an aggregate's value; `children` are (up to a limit) the facts aggregated over
      "condition" a comparison or test of the body, with the values substituted
      "elided"    a derived fact below the depth limit; `:why N` (or explaining the fact) expands it
      "reference" a derived fact proved already, earlier in the tree: `see` is the number of the
                  node that proves it (the sub-proof is shown once)
    """

    number: int  # preorder number, 1 for the root; stable for a given fact and engine state
    kind: str
    text: str  # the fact or literal as rule text, e.g. path(1, 3)
    relation: str | None = None
    values: tuple | None = None
    rule: ast.Clause | None = attrs.field(default=None, eq=False)
    height: int = 0  # height of the (whole, untruncated) minimal proof below this node; 0 for leaves
    origin: Origin | None = None
    children: tuple[ProofNode, ...] = ()
    omitted: int = 0  # aggregate nodes: how many more facts were aggregated over than are shown
    see: int | None = None  # reference nodes: the number of the node that proves the fact

    @property
    def rule_span(self) -> Span | None:
        return self.rule.span if self.rule is not None else None

    def walk(self):
        """This node and every node below it, in preorder."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@attrs.frozen
class Proof:
    """The proof of one fact, down to `depth` levels (None: complete)."""

    root: ProofNode
    depth: int | None = None

    def node(self, number: int) -> ProofNode | None:
        return next((n for n in self.root.walk() if n.number == number), None)


@attrs.frozen
class RuleFailure:
    """Why one rule does not derive the fact.

    `literal` is the first body literal (in the rule's order) with no match under the bindings
    so far; None when the rule's head cannot produce the fact at all. `bindings` are examples of
    the bindings that reached that literal (at most a few; `binding_count` says how many there
    were in all)."""

    rule: ast.Clause = attrs.field(eq=False)
    literal: ast.Literal | None = attrs.field(eq=False)
    position: int | None  # 0-based index of `literal` in the rule's body
    bindings: tuple[tuple[tuple[str, object], ...], ...] = ()
    binding_count: int = 0
    message: str = ""


@attrs.frozen
class WhyNot:
    """Why a fact does not hold: every rule that could derive it, and where each one fails."""

    text: str
    relation: str
    values: tuple
    failures: tuple[RuleFailure, ...] = ()
    note: str = ""  # e.g. "no rule derives `p`, and p(1) is not among its facts"
