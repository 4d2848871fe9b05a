"""An aggregation-heavy program: our engine, pyDatalog 0.22.4, clingo and a hand-written loop.

Input (seed 11): `sale(id, store, product, amount)` with 300,000 rows (and 30,000 for the
pyDatalog group), stores 0..999, products 0..499, amounts 1..1,000 drawn uniformly;
`store_region(store, store % 20)`, `region(0..19)`, `product(0..499)`. Every store and product
has sales at both sizes, so no group is empty (pyDatalog has no row for an empty group).

    store_count(S, N)   :- store_region(S, _), N = count : { sale(_, S, _, _) }.
    store_total(S, T)   :- store_region(S, _), T = sum A : { sale(_, S, _, A) }.
    store_min(S, M)     :- store_region(S, _), M = min A : { sale(_, S, _, A) }.
    store_max(S, M)     :- store_region(S, _), M = max A : { sale(_, S, _, A) }.
    product_count(P, N) :- product(P), N = count : { sale(_, _, P, _) }.
    region_sale(I, R, A) :- sale(I, S, _, A), store_region(S, R).       // derived, 1 row a sale
    region_total(R, T)  :- region(R), T = sum A : { region_sale(_, R, A) }.   // over a derived relation
    region_best(R, M)   :- region(R), M = max T : { store_total(S, T), store_region(S, R) }.  // over an aggregate

Seven answers (1,000 x 4 + 500 + 20 + 20 rows) are compared exactly with the hand loop's for
every peer, and region_sale's size (one row per sale) for ours. `ours` is timed from an empty
engine (rules, then `add_facts` relation by relation: the input's validation included);
`ours_evaluation_only` times loading the rules on an engine that already holds the facts.
"""

from __future__ import annotations

import random

import pytest

import peers

STORES, PRODUCTS, REGIONS, SEED = 1_000, 500, 20, 11
ANSWERS = ("store_count", "store_total", "store_min", "store_max", "product_count", "region_total", "region_best")

RULES = """
.decl sale(id: number, store: number, product: number, amount: number)
.decl store_region(store: number, region: number)
.decl region(region: number)
.decl product(product: number)
.decl store_count(store: number, n: number)
.decl store_total(store: number, total: number)
.decl store_min(store: number, low: number)
.decl store_max(store: number, high: number)
.decl product_count(product: number, n: number)
.decl region_sale(id: number, region: number, amount: number)
.decl region_total(region: number, total: number)
.decl region_best(region: number, best: number)
store_count(S, N) :- store_region(S, _), N = count : { sale(_, S, _, _) }.
store_total(S, T) :- store_region(S, _), T = sum A : { sale(_, S, _, A) }.
store_min(S, M) :- store_region(S, _), M = min A : { sale(_, S, _, A) }.
store_max(S, M) :- store_region(S, _), M = max A : { sale(_, S, _, A) }.
product_count(P, N) :- product(P), N = count : { sale(_, _, P, _) }.
region_sale(I, R, A) :- sale(I, S, _, A), store_region(S, R).
region_total(R, T) :- region(R), T = sum A : { region_sale(_, R, A) }.
region_best(R, M) :- region(R), M = max T : { store_total(S, T), store_region(S, R) }.
"""

PYDATALOG_RULES = """
(store_count[S] == len_(I)) <= sale(I, S, P, A)
(store_total[S] == sum_(A, for_each=I)) <= sale(I, S, P, A)
(store_min[S] == min_(A, order_by=A)) <= sale(I, S, P, A)
(store_max[S] == max_(A, order_by=A)) <= sale(I, S, P, A)
(product_count[P] == len_(I)) <= sale(I, S, P, A)
region_sale(I, R, A) <= sale(I, S, P, A) & store_region(S, R)
(region_total[R] == sum_(A, for_each=I)) <= region_sale(I, R, A)
store_total_of(S, T) <= (store_total[S] == T)
(region_best[R] == max_(T, order_by=T)) <= store_total_of(S, T) & store_region(S, R)
"""

CLINGO_RULES = """
store(S) :- store_region(S, _).
store_count(S, N) :- store(S), N = #count{ I : sale(I, S, _, _) }.
store_total(S, T) :- store(S), T = #sum{ A, I : sale(I, S, _, A) }.
store_min(S, M) :- store(S), M = #min{ A : sale(_, S, _, A) }.
store_max(S, M) :- store(S), M = #max{ A : sale(_, S, _, A) }.
product_count(P, N) :- product(P), N = #count{ I : sale(I, _, P, _) }.
region_sale(I, R, A) :- sale(I, S, _, A), store_region(S, R).
region_total(R, T) :- region(R), T = #sum{ A, I : region_sale(I, R, A) }.
region_best(R, M) :- region(R), M = #max{ T : store_total(S, T), store_region(S, R) }.
""" + "".join(f"#show {name}/2.\n" for name in ANSWERS)


def workload(sales: int) -> dict[str, list[tuple]]:
    rng = random.Random(SEED)
    # the small relations first: with the rules loaded first, each `add_facts` is a commit
    return {
        "region": [(r,) for r in range(REGIONS)],
        "product": [(p,) for p in range(PRODUCTS)],
        "store_region": [(s, s % REGIONS) for s in range(STORES)],
        "sale": [(i, rng.randrange(STORES), rng.randrange(PRODUCTS), rng.randint(1, 1000)) for i in range(sales)],
    }


@peers.once
def large():
    return workload(300_000)


@peers.once
def small():
    return workload(30_000)


def ours(facts):
    engine = peers.ours_engine(RULES, facts)
    return {name: engine.relation(name) for name in ANSWERS}, engine.size("region_sale")


def pydatalog(facts):
    from pyDatalog import pyDatalog as pd

    pd.clear()
    try:
        for name, rows in facts.items():
            for row in rows:
                pd.assert_fact(name, *row)
        pd.load(PYDATALOG_RULES)
        return {name: set(pd.ask(f"{name}[K] == V").answers) for name in ANSWERS}
    finally:
        pd.clear()


def clingo(facts: str):
    import clingo as cl

    control = cl.Control(["--warn=none"])
    control.add("base", [], facts)
    control.add("base", [], CLINGO_RULES)
    control.ground([("base", [])])
    result: dict[str, set] = {name: set() for name in ANSWERS}
    with control.solve(yield_=True) as handle:
        for model in handle:
            for symbol in model.symbols(shown=True):
                result[symbol.name].add(tuple(a.number for a in symbol.arguments))
    return result


def hand_written(facts):
    """One pass over the sales with per-group accumulators, then the region aggregates."""
    region_of = dict(facts["store_region"])
    count = dict.fromkeys(region_of, 0)
    total = dict.fromkeys(region_of, 0)
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    per_product = {p: 0 for (p,) in facts["product"]}
    region_total = {r: 0 for (r,) in facts["region"]}
    for _, store, product, amount in facts["sale"]:
        count[store] += 1
        total[store] += amount
        if store not in low or amount < low[store]:
            low[store] = amount
        if store not in high or amount > high[store]:
            high[store] = amount
        per_product[product] += 1
        region_total[region_of[store]] += amount
    region_best: dict[int, int] = {}
    for store, value in total.items():
        region = region_of[store]
        if region not in region_best or value > region_best[region]:
            region_best[region] = value
    return {
        "store_count": set(count.items()), "store_total": set(total.items()),
        "store_min": set(low.items()), "store_max": set(high.items()),
        "product_count": set(per_product.items()), "region_total": set(region_total.items()),
        "region_best": set(region_best.items()),
    }


def check(result, facts):
    expected = hand_written(facts)
    assert all(n > 0 for _, n in expected["store_count"]) and all(n > 0 for _, n in expected["product_count"])
    assert {name: len(rows) for name, rows in result.items()} == {
        name: len(rows) for name, rows in expected.items()}
    assert result == expected


# ---- 300,000 sales ------------------------------------------------------------------------------
GLARGE = "aggregation, 300,000 sales"


@pytest.mark.benchmark(group=GLARGE)
def test_300k_ours(benchmark):
    result, region_sale = benchmark.pedantic(ours, args=(large(),), rounds=5, iterations=1, warmup_rounds=1)
    check(result, large())
    assert region_sale == 300_000


@pytest.mark.benchmark(group=GLARGE)
def test_300k_ours_evaluation_only(benchmark):
    engine = peers.ours_evaluation_only(benchmark, RULES, large(), rounds=5)
    check({name: engine.relation(name) for name in ANSWERS}, large())


@pytest.mark.benchmark(group=GLARGE)
def test_300k_clingo(benchmark):
    peers.need("clingo")
    check(benchmark.pedantic(clingo, args=(peers.facts_text(large()),), rounds=3, iterations=1), large())


@pytest.mark.benchmark(group=GLARGE)
def test_300k_hand_written(benchmark):
    check(benchmark.pedantic(hand_written, args=(large(),), rounds=5, iterations=1, warmup_rounds=1), large())


# ---- 30,000 sales (pyDatalog takes about 30 s; 300,000 would take minutes) -------------------
GSMALL = "aggregation, 30,000 sales"


@pytest.mark.benchmark(group=GSMALL)
def test_30k_ours(benchmark):
    result, region_sale = benchmark(ours, small())
    check(result, small())
    assert region_sale == 30_000


@pytest.mark.benchmark(group=GSMALL)
def test_30k_pydatalog(benchmark):
    peers.need("pyDatalog")
    check(benchmark.pedantic(pydatalog, args=(small(),), rounds=1, iterations=1), small())


@pytest.mark.benchmark(group=GSMALL)
def test_30k_clingo(benchmark):
    peers.need("clingo")
    check(benchmark(clingo, peers.facts_text(small())), small())


@pytest.mark.benchmark(group=GSMALL)
def test_30k_hand_written(benchmark):
    check(benchmark(hand_written, small()), small())
