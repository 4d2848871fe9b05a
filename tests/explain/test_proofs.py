"""Every derived fact of random programs has a proof, and every proof is a valid derivation.

The programs are the differential test's random stratified programs (recursion, mutual
recursion, negation, aggregates, comparisons, constants, wildcards). Half of their facts are
loaded with the rules and the rest added afterwards in batches, so proofs are also checked on
relations that incremental evaluation extended. For every tuple of every relation, the proof is
checked independently of the engine's matcher: each derived node's children instantiate its
rule's positive atoms with one consistent assignment of the rule's variables, each fact leaf is
an input fact, each negation leaf names a fact that does not hold, recursion never repeats a
fact along a branch, and a reference names an earlier node that proves the same fact.
"""

from __future__ import annotations

import random

import attrs
import pytest

from reasoner import Engine, ast
from reasoner import commit as commit_module
from reasoner.explain.search import fact_text

pytest.importorskip("pyDatalog")

from pydatalog_oracle import to_souffle  # noqa: E402
from test_differential import generate_program  # noqa: E402


def _unify(args, values, binding: dict) -> bool:
    for arg, value in zip(args, values):
        if isinstance(arg, ast.Var):
            if binding.setdefault(arg.name, value) != value:
                return False
        elif isinstance(arg, ast.Const):
            if arg.value != value:
                return False
    return True


def _check(engine: Engine, node, inputs: dict[str, set], path: tuple = (), proof=None) -> None:
    key = (node.relation, node.values)
    assert key not in path, f"the proof loops through {node.text}"
    assert node.values in engine.relation(node.relation)
    if node.kind == "reference":
        proved = proof.node(node.see)
        assert proved is not None and proved.number < node.number
        assert proved.kind == "derived" and proved.text == node.text
        return
    if node.kind == "fact":
        assert node.values in inputs.get(node.relation, set()), f"{node.text} is not an input fact"
        return
    assert node.kind == "derived", node.kind
    rule = node.rule
    binding: dict = {}
    assert _unify(rule.head.args, node.values, binding)
    atoms = [lit for lit in rule.body if isinstance(lit, ast.Atom)]
    facts = [c for c in node.children if c.kind in ("fact", "derived", "reference")]
    assert [a.relation for a in atoms] == [f.relation for f in facts]
    for atom, fact in zip(atoms, facts):
        assert _unify(atom.args, fact.values, binding), f"{fact.text} does not match {atom} under {binding}"
    for literal, child in zip([lit for lit in rule.body if isinstance(lit, ast.Negation)],
                              [c for c in node.children if c.kind == "negation"]):
        atom = literal.atom
        if all(isinstance(a, ast.Const) or (isinstance(a, ast.Var) and a.name in binding) for a in atom.args):
            values = tuple(a.value if isinstance(a, ast.Const) else binding[a.name] for a in atom.args)
            assert values not in engine.relation(atom.relation)
            assert child.text == "no " + fact_text(atom.relation, values)
    for fact in facts:
        _check(engine, fact, inputs, path + (key,), proof)


@pytest.mark.parametrize("seed", range(120))
def test_every_derived_fact_has_a_valid_proof(seed, monkeypatch):
    # Continue the evaluation on every addition (as on a large engine), however small these are.
    monkeypatch.setattr(commit_module, "UPDATE_FRACTION", float("inf"))
    program = generate_program(seed)
    rng = random.Random(seed)
    facts = list(program.facts)
    rng.shuffle(facts)
    first, later = facts[: len(facts) // 2], facts[len(facts) // 2:]
    engine = Engine()
    engine.load_text(to_souffle(attrs.evolve(program, facts=tuple(first))))
    for name, row in later:
        engine.add_facts(name, [row])
    inputs: dict[str, set] = {}
    for name, row in facts:
        inputs.setdefault(name, set()).add(row)
    for name, _ in program.relations:
        for row in engine.relation(name):
            proof = engine.explain(fact_text(name, row))
            _check(engine, proof.root, inputs, proof=proof)


def test_leaves_name_the_file_and_line_of_their_fact(tmp_path):
    (tmp_path / "edge.facts").write_text("1\t2\n2\t3\n3\t4\n", encoding="utf-8")
    (tmp_path / "tc.dl").write_text(
        ".decl edge(x: number, y: number)\n.input edge\n"
        ".decl path(x: number, y: number)\n"
        "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n"
        "path(7, 8).\n", encoding="utf-8")
    engine = Engine(fact_dir=tmp_path)
    engine.load(tmp_path / "tc.dl")
    engine.add_facts("edge", [(4, 5)])
    leaves = {node.text: node.origin for node in engine.explain("path(1, 5)").root.walk()
              if node.kind == "fact"}
    assert leaves["edge(2, 3)"].kind == "input-file"
    assert (leaves["edge(2, 3)"].span.file, leaves["edge(2, 3)"].span.line) == (str(tmp_path / "edge.facts"), 2)
    assert leaves["edge(4, 5)"].describe() == "added through Engine.add_facts"
    fact = engine.explain("path(7, 8)").root
    assert fact.kind == "fact" and fact.origin.describe() == f"fact, {tmp_path / 'tc.dl'}:6"
