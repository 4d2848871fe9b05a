"""Explanations as people and tools read them: an indented tree, JSON, or Graphviz DOT.

A `Proof` (why a fact holds) prints as a tree, one line per node, with tree guides:

    [1] path(1, 3)    by path(X, Z) :- path(X, Y), edge(Y, Z).  (tc.dl:4)
    ├─ [2] path(1, 2)    by path(X, Y) :- edge(X, Y).  (tc.dl:3)
    │  └─ [3] edge(1, 2)    fact, tc.dl:1
    └─ [4] edge(2, 3)    fact, tc.dl:2

A derived fact that the tree proves a second time is printed once; later it reads
`[7] act("x")    [see 3]`, in every format (in DOT, one box with several edges into it).

A `WhyNot` (why a fact does not hold) prints, for each rule that could derive the fact, the
literal where it fails and examples of the bindings that reached it.

The JSON structures are documented in docs/explanations.md. Nothing here recurses on the
depth of a tree, and the JSON lists a proof's nodes flat: a proof thousands of levels deep
renders in every format, and reads back with any JSON parser.
"""

from __future__ import annotations

import datetime
import json
import math
import textwrap

from reasoner import ast
from reasoner.explain.proof import Origin, Proof, ProofNode, RuleFailure, WhyNot
from reasoner.records import pattern_text, unpacks

WIDTH = 100  # the terminal width the text renderers wrap to
MIN_WIDTH = 40  # text keeps at least this much room however deep the tree
FORMATS = ("text", "json", "dot")
REPL_HINT = "(:why {number} to expand)"  # what an elided node says in the REPL
GAP = "    "  # between a node's fact and what proves it


# ---- values ------------------------------------------------------------------------------------
def value_text(value: object) -> str:
    """A value as rule text: `"a"` for symbols, ISO dates, shortest exact floats."""
    if isinstance(value, str):
        return str(ast.Const(value, "symbol"))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def json_value(value: object) -> object:
    """A value as JSON: dates as ISO strings, numbers as numbers (non-finite floats as strings)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (str, int, float)) or value is None:
        return value
    return str(value)


def location(span) -> str:
    """`file:line` of a span ('' for none)."""
    return f"{span.file}:{span.line}" if span is not None else ""


def position(span) -> str:
    """`file:line:column` of a span ('' for none)."""
    return f"{span.file}:{span.line}:{span.column}" if span is not None else ""


def _span_json(span) -> dict[str, object]:
    if span is None:
        return {"file": None, "line": None, "column": None}
    return {"file": span.file, "line": span.line, "column": span.column}


def bindings_text(binding: tuple[tuple[str, object], ...]) -> str:
    """`X = 1, Y = "a"`."""
    return ", ".join(f"{name} = {value_text(value)}" for name, value in binding)


# ---- line filling --------------------------------------------------------------------------------
def _fill(pieces: list[str], width: int, indent: str = "", first_width: int | None = None) -> list[str]:
    """Pieces joined by spaces into lines of at most `width` (the first line: `first_width`; a
    piece longer than that gets a line of its own); lines after the first start with `indent`.
    A piece's leading spaces are dropped at the start of a line."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        limit = width if lines else (first_width or width)
        if not current:
            current = (indent if lines else "") + piece.lstrip()
        elif len(current) + 1 + len(piece) <= limit:
            current += " " + piece
        else:
            lines.append(current)
            current = indent + piece.lstrip()
    if current:
        lines.append(current)
    return lines


def fact_pieces(node: ProofNode) -> list[str]:
    """A node's fact cut where it may wrap: after each value (not inside a string)."""
    if node.relation and node.values:
        pieces = [value_text(v) + "," for v in node.values]
        pieces[0] = f"{node.relation}({pieces[0]}"
        pieces[-1] = pieces[-1][:-1] + ")"
        if " ".join(pieces) == node.text:
            return pieces
    return node.text.split(" ")


def rule_pieces(rule: ast.Clause) -> list[str]:
    """A rule cut where it may wrap: after `:-` and after each body literal."""
    if not rule.body:
        return [str(rule)]
    body = [f"{literal}," for literal in rule.shown_body]
    body[-1] = body[-1][:-1] + "."
    return [f"{rule.head} :-", *body]


def _rule_annotation(node: ProofNode) -> list[str]:
    pieces = ["by", *rule_pieces(node.rule)] if node.rule is not None else ["by a rule"]
    if node.rule_span is not None:
        pieces.append(f" ({location(node.rule_span)})")
    return pieces


def _quote_lines(quote, width: int, hanging: str = "  ") -> list[str]:
    """`s002 (002_x.txt): “quote”`, wrapped at `width` with a hanging indent."""
    article = f" ({quote.article})" if quote.article else ""
    text = f"{quote.source}{article}: “{quote.text}”"
    return textwrap.wrap(text, width=max(width, MIN_WIDTH), subsequent_indent=hanging,
                         break_long_words=False, break_on_hyphens=False) or [text]


# ---- the proof as a tree of text ----------------------------------------------------------------
def proof_text(proof: Proof, width: int = WIDTH, elided_hint: str = REPL_HINT) -> str:
    """The proof as an indented tree (see the module's docstring). Event leaves show their
    quotes, once per statement: a later leaf of the same statement points back to the first.
    `elided_hint` says how to expand a node cut off by the depth limit (`{number}` is its
    number)."""
    lines: list[str] = []
    quoted: dict[str, int] = {}  # event statement -> the node that showed its quotes
    # (node or a line of text, prefix of its own line, prefix of the lines below it)
    stack: list[tuple[ProofNode | str, str, str]] = [(proof.root, "", "")]
    while stack:
        node, lead, below = stack.pop()
        if isinstance(node, str):
            lines.append(lead + node)
            continue
        more = [f"… and {node.omitted} more"] if node.kind == "aggregate" and node.omitted > 0 else []
        below_items: list[ProofNode | str] = [*node.children, *more]
        head = [f"[{node.number}]", *fact_pieces(node)]
        # continuation lines: the guide down to the children, then two in from the fact
        guide = below + ("│  " if below_items else "   ")
        pad = guide + " " * (len(f"[{node.number}] ") - 1)
        room = max(width - len(pad), MIN_WIDTH)
        annotation: list[str] = []  # pieces, filled into lines
        after: list[str] = []  # whole lines below the annotation
        if node.kind == "derived":
            annotation = _rule_annotation(node)
        elif node.kind == "elided":
            head.append(" … " + elided_hint.format(number=node.number))
        elif node.kind == "reference":
            head.append(GAP[1:] + see_text(node))
        elif node.kind == "fact" and node.origin is not None:
            annotation, after = _origin_lines(node, quoted, room)
        one_line = lead + " ".join(head) + (GAP + " ".join(annotation) if annotation else "")
        if len(one_line) <= max(width, len(lead) + MIN_WIDTH):
            lines.append(one_line)
        else:
            first, *rest = _fill(head, room, indent="   ", first_width=max(width - len(lead), MIN_WIDTH))
            lines += [lead + first] + [pad + text for text in rest]
            lines += [pad + text for text in _fill(annotation, room, indent="   ")]
        lines += [pad + text for text in after]
        for index in range(len(below_items) - 1, -1, -1):
            last = index == len(below_items) - 1
            stack.append((below_items[index], below + ("└─ " if last else "├─ "),
                          below + ("   " if last else "│  ")))
    return "\n".join(line.rstrip() for line in lines)


def see_text(node: ProofNode) -> str:
    """What a reference node says: where its fact was proved, `[see 6]`."""
    return f"[see {node.see}]"


def _origin_lines(node: ProofNode, quoted: dict[str, int], room: int) -> tuple[list[str], list[str]]:
    """The origin's description (as pieces to fill) and the lines of its quotes: a statement's
    quotes are shown at its first leaf, later leaves point back to it."""
    origin: Origin = node.origin  # type: ignore[assignment]
    description = origin.describe()
    after: list[str] = []
    if origin.kind == "event" and origin.quotes:
        first = quoted.get(origin.statement or "")
        if first is not None:
            description += f" (quoted at [{first}])"
        else:
            if origin.statement:
                quoted[origin.statement] = node.number
            for quote in origin.quotes:
                after += _quote_lines(quote, room)
    return description.split(" "), after


# ---- the proof as JSON ----------------------------------------------------------------------------
def proof_data(proof: Proof) -> dict[str, object]:
    """The proof as JSON-ready dicts: its nodes in a flat list, in preorder, each naming its
    parent and children by number (flat, so that a proof of any depth reads back without
    recursion; see docs/explanations.md)."""
    nodes: list[dict[str, object]] = []
    stack: list[tuple[ProofNode, int | None]] = [(proof.root, None)]
    while stack:
        node, parent = stack.pop()
        nodes.append(_node_data(node, parent))
        stack += [(child, node.number) for child in reversed(node.children)]
    return {"explanation": "why", "fact": proof.root.text, "holds": True, "depth": proof.depth,
            "root": proof.root.number, "nodes": nodes}


def _node_data(node: ProofNode, parent: int | None) -> dict[str, object]:
    rule = None
    if node.rule is not None and node.kind in ("derived", "elided"):
        rule = {"text": str(node.rule), **_span_json(node.rule_span)}
    return {
        "node": node.number,
        "parent": parent,
        "kind": node.kind,
        "fact": node.text,
        "relation": node.relation,
        "values": None if node.values is None else [json_value(v) for v in node.values],
        "height": node.height,
        "rule": rule,
        "origin": None if node.origin is None else origin_data(node.origin),
        "omitted": node.omitted,
        "see": node.see,
        "children": [child.number for child in node.children],
    }


def origin_data(origin: Origin) -> dict[str, object]:
    span = origin.span
    return {
        "kind": origin.kind,
        "description": origin.describe(),
        "file": span.file if span is not None else None,
        "line": span.line if span is not None else None,
        "statement": origin.statement,
        "quotes": [{"source": q.source, "article": q.article, "title": q.title, "text": q.text}
                   for q in origin.quotes],
    }


def proof_json(proof: Proof) -> str:
    """The proof as JSON text, indented by two (see docs/explanations.md)."""
    return _dumps(proof_data(proof))


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# ---- the proof as Graphviz DOT ---------------------------------------------------------------------
def dot_string(lines: list[str]) -> str:
    """Lines as a DOT double-quoted label, left-justified: backslashes and quotes escaped,
    line breaks inside a line kept as breaks."""
    parts = []
    for line in lines:
        for piece in line.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            parts.append(piece.replace("\\", "\\\\").replace('"', '\\"') + "\\l")
    return '"' + "".join(parts) + '"'


DOT_WIDTH = 60  # label lines wrap at this many characters

_DOT_STYLE = {
    "derived": 'shape=box, style="rounded"',
    "fact": 'shape=box, style="filled", fillcolor="#eef3fb"',
    "negation": 'shape=box, style="dashed"',
    "condition": 'shape=box, style="dotted"',
    "aggregate": 'shape=box, style="rounded,bold"',
    "elided": 'shape=box, style="rounded,dashed", color="gray40"',
}


def proof_dot(proof: Proof, elided_hint: str = "(not shown: below the depth limit)") -> str:
    """The proof as a Graphviz digraph: one box per node (input facts filled, with their
    origin and quotes; derived facts with their rule), an edge from each fact to the facts
    that prove it. A fact proved more than once in the tree is one box with several edges
    into it (reference nodes draw no box of their own)."""
    out = ["digraph proof {", "  rankdir=TB;",
           '  node [fontname="Helvetica", fontsize=10];', '  edge [color="gray30"];']
    edges: list[str] = []
    quoted: dict[str, int] = {}
    for node in proof.root.walk():
        # a fact proved twice is one box: a reference is an edge to the box that proves it
        edges += [f"  n{node.number} -> n{child.see if child.kind == 'reference' else child.number};"
                  for child in node.children]
        if node.kind == "reference":
            continue
        label = [f"[{node.number}] {node.text}"]
        if node.kind == "derived" and node.rule is not None:
            label += _fill(_rule_annotation(node), DOT_WIDTH, indent="   ")
        elif node.kind == "elided":
            label.append("… " + elided_hint.format(number=node.number))
        elif node.kind == "fact" and node.origin is not None:
            description, quotes = _origin_lines(node, quoted, DOT_WIDTH)
            label += _fill(description, DOT_WIDTH) + [line.lstrip() for line in quotes]
        if node.kind == "aggregate" and node.omitted:
            label.append(f"… and {node.omitted} more")
        style = _DOT_STYLE.get(node.kind, "shape=box")
        out.append(f"  n{node.number} [label={dot_string(label)}, {style}];")
    return "\n".join(out + edges + ["}"])


# ---- why not -------------------------------------------------------------------------------------
def why_not_text(why: WhyNot, width: int = WIDTH) -> str:
    """For each rule that could derive the fact: the rule, the literal where it fails (with
    its position) and examples of the bindings that reached it."""
    if not why.failures:
        return f"{why.text} does not hold: {why.note}" if why.note else f"{why.text} does not hold"
    count = len(why.failures)
    lines = [f"{why.text} does not hold; {count} rule{'s' if count != 1 else ''} could derive it:"]
    if len(lines[0]) > width:
        lines = lines[0].replace("; ", ";\n", 1).split("\n")
    for index, failure in enumerate(why.failures, 1):
        lead = f"[{index}] "
        pad = " " * len(lead)
        rule = [*rule_pieces(failure.rule)]
        if failure.rule.span is not None:
            rule.append(f" ({location(failure.rule.span)})")
        lines += [(lead if n == 0 else pad) + text
                  for n, text in enumerate(_fill(rule, width - len(pad), indent="   "))]
        lines += [pad + text for text in _failure_lines(why, failure, width - len(pad))]
    return "\n".join(line.rstrip() for line in lines)


def _failure_lines(why: WhyNot, failure: RuleFailure, width: int) -> list[str]:
    lines: list[str] = []
    if failure.literal is None:
        lines.append(f"fails at its head {failure.rule.head}")
    else:
        where = position(failure.literal.span)
        # (a body with record patterns was rewritten: its positions are not those written)
        about = [f"body literal {failure.position + 1}"] if failure.position is not None \
            and failure.rule.written is None else []
        about += [where] if where else []
        pattern = unpacks(failure.literal)  # a record pattern's: shown as written
        failing = pattern_text(pattern) if pattern is not None else failure.literal
        lines.append(f"fails at {failing}" + (f"  ({', '.join(about)})" if about else ""))
    if failure.message:
        lines += textwrap.wrap(failure.message, width=max(width, MIN_WIDTH))
    if failure.literal is not None:
        shown = len(failure.bindings)
        total = failure.binding_count
        if total == 0 and not failure.bindings:
            lines.append("no bindings reach it")
        elif total <= 1 and shown == 1:
            lines.append(f"with {bindings_text(failure.bindings[0]) or 'no variables bound'}")
        else:
            lines.append(f"{total:,} binding{'s' if total != 1 else ''} reach it"
                         + (", e.g." if shown < total else ":"))
            lines += ["  " + (bindings_text(b) or "(no variables bound)") for b in failure.bindings]
    return lines


def why_not_data(why: WhyNot) -> dict[str, object]:
    failures = []
    for failure in why.failures:
        literal = None
        if failure.literal is not None:
            literal = {"text": str(failure.literal), "index": failure.position,
                       **_span_json(failure.literal.span)}
        failures.append({
            "rule": {"text": str(failure.rule), **_span_json(failure.rule.span)},
            "literal": literal,
            "bindings": [{name: json_value(value) for name, value in b} for b in failure.bindings],
            "binding_count": failure.binding_count,
            "message": failure.message,
        })
    return {"explanation": "whynot", "fact": why.text, "holds": False, "relation": why.relation,
            "values": [json_value(v) for v in why.values], "note": why.note, "failures": failures}


def why_not_json(why: WhyNot) -> str:
    return _dumps(why_not_data(why))


# ---- by format ----------------------------------------------------------------------------------
def render_proof(proof: Proof, fmt: str = "text", elided_hint: str | None = None) -> str:
    """The proof in one of `FORMATS`."""
    if fmt == "text":
        return proof_text(proof, elided_hint=elided_hint or REPL_HINT)
    if fmt == "json":
        return proof_json(proof)
    if fmt == "dot":
        return proof_dot(proof) if elided_hint is None else proof_dot(proof, elided_hint)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_why_not(why: WhyNot, fmt: str = "text") -> str:
    """Why a fact does not hold, as text or JSON (DOT draws the text in one box)."""
    if fmt == "text":
        return why_not_text(why)
    if fmt == "json":
        return why_not_json(why)
    if fmt == "dot":
        lines = why_not_text(why, width=DOT_WIDTH + 20).splitlines()
        return "digraph whynot {\n  node [fontname=\"Helvetica\", fontsize=10, shape=box];\n" \
               f"  n1 [label={dot_string(lines)}];\n}}"
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
