"""Peak memory of deriving 1,000,000 tuples of arity 2 (issue 7: under 400 MB).

Each measurement runs in a fresh child process (`python -c SCRIPT`), which builds the input,
notes its peak resident set size so far (the interpreter, the imports and the input), evaluates,
checks the number of derived tuples and reports its peak again: the process's peak, everything
included. The peak is `VmHWM` from `/proc/self/status`; `resource.getrusage(RUSAGE_SELF)
.ru_maxrss` would be the same in a process started from a shell, but Linux carries `ru_maxrss`
over `exec` from the parent that forked it (pytest, which holds the earlier benchmarks' memory:
every child reported 1,024 MiB that way). The figures go to
`benchmark.extra_info` (`peak_mib`, `before_mib`: the peak before the evaluation) and are printed
(`-s`); the timing is the child's whole run (start-up included) and is not the point.

Programs, each deriving exactly 1,000,000 tuples:
- `cross`: `pair(X, Y) :- left(X), right(Y).` with 1,000 values each (one join, no recursion);
- `closure`: transitive closure of the chain 0 -> ... -> 1,413 (998,991 paths) plus 1,009
  separate edges (one path each): 2,422 edges, 1,000,000 paths, 1,413 rounds of recursion.

Peers: ours with `Engine()` (the default keeps derivation records for `explain`), ours with
`Engine(derivations=False)` (skipped if the engine has no such keyword), clingo, and a
hand-written Python set of the same tuples as the floor.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import peers
from reasoner import Engine

ROOT = Path(__file__).resolve().parent.parent
DERIVED = 1_000_000

SCRIPT = r'''
import json, resource, sys

program, peer = sys.argv[1], sys.argv[2]


def peak():
    """This process's peak resident set size in MiB: VmHWM, which starts afresh at exec.
    (`ru_maxrss` would do on a fresh process, but Linux carries it across exec from the forking
    parent, here pytest with the earlier benchmarks' memory; it is the fallback off Linux.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


if program == "cross":
    facts = {"left": [(i,) for i in range(1000)], "right": [(i,) for i in range(1000)]}
    rules = ("pair(X, Y) :- left(X), right(Y).", "pair")
else:
    edges = [(i, i + 1) for i in range(1413)] + [(10_000 + 2 * i, 10_001 + 2 * i) for i in range(1009)]
    facts = {"edge": edges}
    rules = ("path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).", "path")
text, answer = rules
if peer.startswith("ours"):
    from reasoner import Engine
    options = {"derivations": False} if peer == "ours-no-derivations" else {}
    decls = "".join(f".decl {name}({', '.join(f'c{i}: number' for i in range(len(rows[0])))})\n"
                    for name, rows in facts.items())
    decls += f".decl {answer}(x: number, y: number)\n"
    before = peak()
    engine = Engine(**options)
    engine.load_text(decls + text)
    for name, rows in facts.items():
        engine.add_facts(name, rows)
    size = engine.size(answer)
elif peer == "clingo":
    import clingo
    program_text = "".join(f"{name}({','.join(map(str, row))}).\n" for name, rows in facts.items() for row in rows)
    before = peak()
    control = clingo.Control(["--warn=none"])
    control.add("base", [], program_text + text + f"\n#show {answer}/2.\n")
    control.ground([("base", [])])
    with control.solve(yield_=True) as handle:
        size = sum(len(model.symbols(shown=True)) for model in handle)
else:  # the hand-written floor: the derived tuples in one Python set
    before = peak()
    if program == "cross":
        result = {(x, y) for (x,) in facts["left"] for (y,) in facts["right"]}
    else:
        successors = {}
        for a, b in facts["edge"]:
            successors.setdefault(a, []).append(b)
        result = set(facts["edge"])
        delta = set(result)
        while delta:
            new = {(x, z) for x, y in delta for z in successors.get(y, ()) if (x, z) not in result}
            result |= new
            delta = new
    size = len(result)
print(json.dumps({"size": size, "before_mib": round(before, 1), "peak_mib": round(peak(), 1)}))
'''


def measure(program: str, peer: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", SCRIPT, program, peer], capture_output=True, text=True,
                          env=env, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def has_derivations_keyword() -> bool:
    return "derivations" in inspect.signature(Engine.__init__).parameters


def run(benchmark, program: str, peer: str) -> None:
    if peer == "ours-no-derivations" and not has_derivations_keyword():
        pytest.skip("Engine has no `derivations` keyword")
    if peer == "clingo":
        peers.need("clingo")
    result = benchmark.pedantic(measure, args=(program, peer), rounds=1, iterations=1)
    assert result["size"] == DERIVED
    benchmark.extra_info.update(peak_mib=result["peak_mib"], before_mib=result["before_mib"])
    print(f"\n{program} / {peer}: peak {result['peak_mib']} MiB (before evaluating: {result['before_mib']} MiB)")


PEERS = ["ours", "ours-no-derivations", "clingo", "hand-written"]


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.benchmark(group="memory: pair(X, Y) :- left(X), right(Y), 1,000,000 pairs")
def test_memory_cross_product(benchmark, peer):
    run(benchmark, "cross", peer)


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.benchmark(group="memory: transitive closure, 1,000,000 paths")
def test_memory_closure(benchmark, peer):
    run(benchmark, "closure", peer)
