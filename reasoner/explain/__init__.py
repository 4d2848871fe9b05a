"""Explanations: why a fact holds (a proof tree) and why one does not (the failing literals).

    proof.py    what an explanation is: `Proof`, `ProofNode`, `Origin`, `Quote`, `WhyNot`,
                `RuleFailure` (plain attrs values)
    search.py   minimal-height proofs rebuilt from the derivation records (`Engine.explain`)
    whynot.py   the first failing body literal of each rule (`Engine.why_not`)
    render.py   explanations as an indented tree, JSON or Graphviz DOT
"""

from __future__ import annotations

from reasoner.explain.proof import Origin, Proof, ProofNode, Quote, RuleFailure, WhyNot
from reasoner.explain.render import FORMATS, render_proof, render_why_not

__all__ = ["FORMATS", "Origin", "Proof", "ProofNode", "Quote", "RuleFailure", "WhyNot",
           "render_proof", "render_why_not"]
