"""Transitive closure and same generation on the SQL backends (issue 15): the Python engine, the
DuckDB backend (`Engine(backend="duckdb")`), hand-written DuckDB SQL, and the Spark backend in
local[2] when asked for (`REASONER_BENCH_SPARK=1`), side by side in one benchmark group per
workload.

Workloads (test_transitive_closure.py and test_same_generation.py describe them):
- transitive closure of the chain 0 -> 1 -> ... -> 2,000: 2,001,000 paths, 2,000 rounds;
- transitive closure of the random graph of seed 7 (1,500 nodes, 1,900 edges, cycles): 411,101 paths;
- same generation on the complete binary tree of depth 10: 1,396,054 pairs.

What a timing includes, for every peer: a new engine or connection, the input rows, the rules and
one evaluation, with the answer left in the engine or database. Engines: `Engine(backend=...)`,
the input relation's declaration, `add_facts`, then `load_text(rules)` (facts first, so that the
rules are evaluated once over all the facts). The hand SQL: an in-memory DuckDB connection, the
input as an Arrow table copied into a table, then the statements. Reading the answer back is not
timed: after the rounds, each peer's answer is compared tuple for tuple with the Python engine's
(the oracle).

**rules first** (`duckdb_rules_first`, random graph and same generation): the order of
test_transitive_closure.py, `load_text(rules)` then `add_facts`. On the DuckDB backend the facts
then arrive at an evaluated program and continue its fixpoint (`Driver.update`): the driver's
semi-naive loop, one round of statements per iteration, instead of the one recursive CTE that a
first evaluation uses. Not on the chain, where that is 2,000 rounds (about 23 ms each on a
300-edge chain: 6.9 s against 1.4 s facts first).

Hand-written SQL, two ways:
- `hand_cte`: one `WITH RECURSIVE ... UNION` (DuckDB's recursive CTE with set semantics: each
  round joins only the rows the last round added, and drops those already found);
- `hand_loop`: a semi-naive loop driven from Python, delta tables and `EXCEPT` against the whole
  relation, until the delta is empty: the shape of a driver-side fixpoint. Not on the chain,
  where its 2,000 rounds each read the whole relation so far (200 s in a one-off run).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import backends
import test_same_generation as sg_workload
import test_transitive_closure as tc_workload
from reasoner import Engine

CHAIN = 2_000
CHAIN_PATHS = CHAIN * (CHAIN + 1) // 2
DEPTH = 10
ROUNDS = 3


# ---- the peers ------------------------------------------------------------------------------------
def declaration(rules: str, relation: str) -> str:
    """The `.decl` line of `relation` in `rules`."""
    return next(line for line in rules.splitlines() if line.startswith(f".decl {relation}("))


def on_engine(backend: str, rules: str, relation: str, rows: list[tuple]) -> Engine:
    """A new engine on `backend`, the input rows added, then the rules loaded (an identical
    declaration stated twice is accepted)."""
    engine = backends.engine(backend)
    engine.load_text(declaration(rules, relation))
    engine.add_facts(relation, rows)
    diagnostics = engine.load_text(rules)
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    return engine


def rules_first(backend: str, rules: str, relation: str, rows: list[tuple]) -> Engine:
    """A new engine on `backend`, the rules loaded, then the input rows added."""
    engine = backends.engine(backend)
    diagnostics = engine.load_text(rules)
    assert not [d for d in diagnostics if d.severity == "error"], diagnostics
    engine.add_facts(relation, rows)
    return engine


def with_table(relation: str, rows: list[tuple]):
    """A new in-memory DuckDB connection holding `rows` in a table `relation(x, y)`."""
    import duckdb
    import pyarrow as pa

    connection = duckdb.connect()
    columns = pa.table({"x": [row[0] for row in rows], "y": [row[1] for row in rows]})
    connection.register("h_bench_input", columns)
    connection.execute(f"CREATE TABLE {relation} AS SELECT x::BIGINT AS x, y::BIGINT AS y FROM h_bench_input")
    connection.unregister("h_bench_input")
    return connection


CLOSURE_CTE = """
CREATE TABLE path AS
WITH RECURSIVE p(x, y) AS (
    SELECT x, y FROM edge
    UNION
    SELECT p.x, e.y FROM p JOIN edge e ON e.x = p.y
)
SELECT x, y FROM p
"""

SG_CTE = """
CREATE TABLE sg AS
WITH RECURSIVE s(x, y) AS (
    SELECT a.x, b.x FROM parent a JOIN parent b ON a.y = b.y WHERE a.x <> b.x
    UNION
    SELECT a.x, b.x FROM s JOIN parent a ON a.y = s.x JOIN parent b ON b.y = s.y
)
SELECT x, y FROM s
"""

# the semi-naive loop: (first round, next round from `delta`), each a SELECT of candidate rows
CLOSURE_LOOP = ("SELECT DISTINCT x, y FROM edge",
                "SELECT DISTINCT d.x, e.y FROM delta d JOIN edge e ON e.x = d.y")
SG_LOOP = ("SELECT DISTINCT a.x, b.x AS y FROM parent a JOIN parent b ON a.y = b.y WHERE a.x <> b.x",
           "SELECT DISTINCT a.x, b.x AS y FROM delta d JOIN parent a ON a.y = d.x JOIN parent b ON b.y = d.y")


def hand_cte(relation: str, rows: list[tuple], statement: str):
    connection = with_table(relation, rows)
    connection.execute(statement)
    return connection


def hand_loop(relation: str, rows: list[tuple], answer: str, rounds: tuple[str, str]):
    """Semi-naive evaluation driven from Python: the first round into `answer` and `delta`;
    then, while the delta is not empty, the next round's rows less those already in `answer`
    (`EXCEPT`) become the new delta and are added to `answer`."""
    connection = with_table(relation, rows)
    first, step = rounds
    connection.execute(f"CREATE TABLE {answer} AS {first}")
    connection.execute(f"CREATE TABLE delta AS SELECT * FROM {answer}")
    while True:
        connection.execute(f"CREATE TABLE fresh AS {step} EXCEPT SELECT * FROM {answer}")
        if connection.execute("SELECT count(*) FROM fresh").fetchone()[0] == 0:
            return connection
        connection.execute(f"INSERT INTO {answer} SELECT * FROM fresh")
        connection.execute("DROP TABLE delta")
        connection.execute("ALTER TABLE fresh RENAME TO delta")


# ---- the oracle -----------------------------------------------------------------------------------
_ORACLE: dict[str, set[tuple]] = {}


def oracle(key: str, rules: str, relation: str, rows: list[tuple], answer: str) -> set[tuple]:
    """The Python engine's answer (computed once per workload)."""
    if key not in _ORACLE:
        _ORACLE[key] = on_engine("python", rules, relation, rows).relation(answer)
    return _ORACLE[key]


def check_connection(connection, answer: str, expected: set[tuple], size: int) -> None:
    assert connection.execute(f"SELECT count(*) FROM {answer}").fetchone()[0] == size
    assert set(connection.execute(f"SELECT * FROM {answer}").fetchall()) == expected


def check_engine(engine: Engine, answer: str, expected: set[tuple], size: int) -> None:
    assert engine.size(answer) == size
    assert engine.relation(answer) == expected


def run_engine(benchmark, backend: str, rules: str, relation: str, rows: list[tuple], answer: str,
               rounds: int = ROUNDS, order: Callable = on_engine) -> Engine:
    if backend == "spark":
        backends.spark_wanted()
    backends.engine(backend)  # skip now, not in the timed rounds, if there is no such backend
    return benchmark.pedantic(order, args=(backend, rules, relation, rows), rounds=rounds, iterations=1)


# ---- transitive closure, the 2,000-edge chain ----------------------------------------------------
GCHAIN = f"SQL backends: transitive closure, {CHAIN:,}-edge chain ({CHAIN_PATHS:,} paths)"


def chain_oracle() -> set[tuple]:
    return oracle("chain", tc_workload.RULES, "edge", tc_workload.chain(CHAIN), "path")


@pytest.mark.parametrize("backend", ["python", "duckdb", "spark"])
@pytest.mark.benchmark(group=GCHAIN)
def test_chain_engine(benchmark, backend):
    engine = run_engine(benchmark, backend, tc_workload.RULES, "edge", tc_workload.chain(CHAIN), "path")
    check_engine(engine, "path", chain_oracle(), CHAIN_PATHS)


@pytest.mark.benchmark(group=GCHAIN)
def test_chain_hand_cte(benchmark):
    connection = benchmark.pedantic(hand_cte, args=("edge", tc_workload.chain(CHAIN), CLOSURE_CTE),
                                    rounds=ROUNDS, iterations=1)
    check_connection(connection, "path", chain_oracle(), CHAIN_PATHS)


# ---- transitive closure, the random graph -------------------------------------------------------
GRANDOM = (f"SQL backends: transitive closure, random graph {tc_workload.RANDOM_NODES:,} nodes / "
           f"{tc_workload.RANDOM_EDGES:,} edges ({tc_workload.RANDOM_PATHS:,} paths)")


def random_oracle() -> set[tuple]:
    return oracle("random", tc_workload.RULES, "edge", tc_workload.random_graph(), "path")


@pytest.mark.parametrize("backend", ["python", "duckdb", "spark"])
@pytest.mark.benchmark(group=GRANDOM)
def test_random_engine(benchmark, backend):
    engine = run_engine(benchmark, backend, tc_workload.RULES, "edge", tc_workload.random_graph(), "path")
    check_engine(engine, "path", random_oracle(), tc_workload.RANDOM_PATHS)


@pytest.mark.benchmark(group=GRANDOM)
def test_random_duckdb_rules_first(benchmark):
    engine = run_engine(benchmark, "duckdb", tc_workload.RULES, "edge", tc_workload.random_graph(), "path",
                        order=rules_first)
    check_engine(engine, "path", random_oracle(), tc_workload.RANDOM_PATHS)


@pytest.mark.benchmark(group=GRANDOM)
def test_random_hand_cte(benchmark):
    connection = benchmark.pedantic(hand_cte, args=("edge", tc_workload.random_graph(), CLOSURE_CTE),
                                    rounds=ROUNDS, iterations=1)
    check_connection(connection, "path", random_oracle(), tc_workload.RANDOM_PATHS)


@pytest.mark.benchmark(group=GRANDOM)
def test_random_hand_loop(benchmark):
    connection = benchmark.pedantic(hand_loop, args=("edge", tc_workload.random_graph(), "path", CLOSURE_LOOP),
                                    rounds=ROUNDS, iterations=1)
    check_connection(connection, "path", random_oracle(), tc_workload.RANDOM_PATHS)


# ---- same generation, depth 10 ------------------------------------------------------------------
GSG = f"SQL backends: same generation, binary tree of depth {DEPTH} ({sg_workload.sg_size(DEPTH):,} pairs)"


def sg_oracle() -> set[tuple]:
    return oracle("sg", sg_workload.RULES, "parent", sg_workload.tree(DEPTH), "sg")


@pytest.mark.parametrize("backend", ["python", "duckdb", "spark"])
@pytest.mark.benchmark(group=GSG)
def test_sg_engine(benchmark, backend):
    engine = run_engine(benchmark, backend, sg_workload.RULES, "parent", sg_workload.tree(DEPTH), "sg")
    check_engine(engine, "sg", sg_oracle(), sg_workload.sg_size(DEPTH))


@pytest.mark.benchmark(group=GSG)
def test_sg_duckdb_rules_first(benchmark):
    engine = run_engine(benchmark, "duckdb", sg_workload.RULES, "parent", sg_workload.tree(DEPTH), "sg",
                        order=rules_first)
    check_engine(engine, "sg", sg_oracle(), sg_workload.sg_size(DEPTH))


@pytest.mark.benchmark(group=GSG)
def test_sg_hand_cte(benchmark):
    connection = benchmark.pedantic(hand_cte, args=("parent", sg_workload.tree(DEPTH), SG_CTE),
                                    rounds=ROUNDS, iterations=1)
    check_connection(connection, "sg", sg_oracle(), sg_workload.sg_size(DEPTH))


@pytest.mark.benchmark(group=GSG)
def test_sg_hand_loop(benchmark):
    connection = benchmark.pedantic(hand_loop, args=("parent", sg_workload.tree(DEPTH), "sg", SG_LOOP),
                                    rounds=ROUNDS, iterations=1)
    check_connection(connection, "sg", sg_oracle(), sg_workload.sg_size(DEPTH))
