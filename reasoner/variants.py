"""Delta variants: the plans that continue a stratum's evaluation from tuples added below it."""

from __future__ import annotations

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.plan import RulePlan, compile_rule
from reasoner.relation import Relation, index_choice


class Variants:
    """Delta variants of rules on atoms of lower strata, compiled when an update needs them.

    They run on the few tuples an addition brings, so they avoid building indexes on large
    relations: no sorted indexes (one would cost more than the filters it saves, and would be
    maintained on every later insertion), and a probe uses an index the full evaluation already
    built on some of its columns when that one is selective (`Relation.probe_columns`).

    Each variant is compiled twice: *eager*, which probes a hash index on the bound columns of
    every atom (built on first use), and, when that would build an index on a large relation,
    *frugal*, which builds none there: it orders the atoms by the rows each would examine and
    reads such a relation in full, comparing the bound columns. A run takes the frugal plan
    while the rows it reads are fewer than the rows left to index, and meanwhile grows the
    missing indexes by a quarter as many rows as it reads, so that they are ready after a few
    runs. Adding one event thus never indexes 400,000 pairs at once; adding thousands does,
    once."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.plans: dict[tuple[int, int], tuple[RulePlan, RulePlan | None]] = {}

    def get(self, rule: ast.Clause, position: int, relations: dict[str, Relation],
            delta_size: int) -> RulePlan:
        key = (id(rule), position)
        entry = self.plans.get(key)
        if entry is None:
            entry = self.plans[key] = self._compile(rule, position, relations)
        eager, frugal = entry
        return eager if frugal is None else self.choose(eager, frugal, relations, delta_size)

    @staticmethod
    def choose(eager: RulePlan, frugal: RulePlan, relations: dict[str, Relation],
               delta_size: int) -> RulePlan:
        """The eager plan once its indexes exist, or when this run would read as many rows
        as are left to index; else the frugal one, growing the missing indexes meanwhile."""
        missing = [(name, columns) for name, columns in set(eager.indexes) - set(frugal.indexes)
                   if name in relations and not relations[name].has_index(columns)]
        if not missing:
            return eager
        read = delta_size * sum(len(relations[name]) for name in frugal.scanned if name in relations)
        if sum(relations[name].rows_to_index(columns) for name, columns in missing) <= read:
            return eager
        for name, columns in missing:
            relations[name].grow_index(columns, read // (4 * len(missing)))
        return frugal

    def _compile(self, rule: ast.Clause, position: int,
                 relations: dict[str, Relation]) -> tuple[RulePlan, RulePlan | None]:
        types = self.analysis.variable_types[id(rule)]
        schemas = self.analysis.schemas

        probe, scan = index_choice(relations), index_choice(relations, frugal=True)

        def cost(name: str, columns: tuple[int, ...]) -> float:
            relation = relations.get(name)
            return 1.0 if relation is None else relation.probe_cost(columns)

        eager = compile_rule(rule, schemas, types, position, ranges=False, choose_index=probe)
        if all(scan(name, columns) == columns for name, columns in eager.indexes):
            return eager, None  # it builds no index on a large relation
        frugal = compile_rule(rule, schemas, types, position, ranges=False, choose_index=scan,
                              cost=cost)
        return eager, frugal if set(eager.indexes) - set(frugal.indexes) else None
