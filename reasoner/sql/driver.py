"""Evaluation on a database, stratum by stratum, through a `Backend` (`backend.py`).

`Driver.evaluate` computes every relation from the tables of base facts: for each stratum,
its exit rules as one `INSERT INTO r SELECT ... UNION SELECT ...` per head relation (with
`EXCEPT` the rows already there when the table holds base facts); in a recursive stratum then
a semi-naive loop run by the driver: each round computes, for each relation of the stratum,
`new = (delta variants) EXCEPT r` into a table (on DuckDB, where `r` is many times larger
than the delta, by probing `r` with the delta's rows instead: `Driver.unseen`), adds it to `r`,
and makes it the next delta, until every `new` is empty; a linear recursive stratum (one relation, read once per rule) on a
backend whose recursive CTEs have set semantics (DuckDB) is one `WITH RECURSIVE ... UNION`
whose rows replace the table, unless its relation holds more than `CTE_ROWS` rows when the
recursion starts: DuckDB keeps a recursive CTE in memory, while the loop's tables and joins
spill to disk under its memory limit (`Driver.large`). On a backend whose counts are cheap, a rule with a positive atom
of a relation known to be empty is not run. Set semantics throughout: a table never holds a
row twice.

`Driver.update` continues an evaluation after base facts were added (their rows already in
the tables, and in `<r> added` tables): a stratum that reads the added rows only through
positive atoms continues its fixpoint from them (one variant per body atom of a lower stratum
that gained rows, then the semi-naive loop or, for a linear recursive stratum, one recursive
CTE from the rows gained; variants reading an empty relation are skipped), with the
database's own join order (`Driver.reordered`); a stratum that reads a relation that gained rows
under negation or an aggregate, or one that lost rows, is recomputed from its base facts.
Strata that read nothing that changed are left alone.

The statements are put together from the rules' SELECTs as text (each written once by
sqlglot in the backend's dialect, `strata.RuleSql.sql`) with `UNION`, `EXCEPT`, `INSERT INTO`
and `CREATE TABLE ... AS`, which every SQL dialect spells alike. The caller wraps each call in
a transaction (`Backend.begin`/`commit`/`rollback`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from sqlglot import exp

from reasoner import ast
from reasoner.sql.backend import Backend, column_names
from reasoner.sql.strata import Naming, RuleSql, StratumSql

# A relation holding at least this many rows, and this many times the rows of the tables a
# statement reads its new rows from (a delta, the rows just added), is compared with the rows
# it may gain by probing it with them rather than hashing it whole (`Driver.unseen`).
PROBE_ROWS = 20_000
PROBE_RATIO = 8

# A linear recursive stratum whose relation holds more rows than this before its recursive
# rules run is evaluated by the semi-naive loop over tables (which DuckDB can spill to disk)
# rather than one `WITH RECURSIVE` (whose rows DuckDB keeps in memory): `Driver.large`.
CTE_ROWS = 1_000_000

BaseRows = Callable[[str], Iterable[tuple]]  # relation -> its base facts (for a recompute)


def _union(rules: Sequence[RuleSql]) -> str:
    return " UNION ".join(f"({rule.sql})" if len(rules) > 1 else rule.sql for rule in rules)


class Driver:
    """Runs compiled strata (`strata.compile_program`) on a backend."""

    def __init__(self, backend: Backend, strata: tuple[StratumSql, ...], types: dict[str, tuple[str, ...]]):
        self.backend = backend
        self.strata = strata
        self.types = types  # relation -> base types of its columns
        self.statements = 0
        self.last_rules: Sequence[RuleSql] = ()  # the rules of the statement run last (for errors)
        self.deadline: float | None = None  # time.monotonic() past which no statement starts
        self.empty: set[str] = set()  # relations known to hold no rows (during `evaluate`)
        self.sizes: dict[str, int] = {}  # rows of relations outside `changed` (during `update`)
        self.cte_rows = CTE_ROWS  # a linear stratum starting from more rows runs by the loop


    def name(self, relation: str, role: str | None = None) -> str:
        """A table's quoted name: the relation's own, or one of its helpers (`role`)."""
        plain = relation if role is None else Naming.helper(relation, role)
        return exp.to_identifier(plain, quoted=True).sql(dialect=self.backend.dialect)

    def run(self, statement: str, rules: Sequence[RuleSql] = ()) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutError("the time budget ran out")
        self.statements += 1
        self.last_rules = rules
        self.backend.execute(statement)

    # ---- evaluation from scratch ------------------------------------------------------

    def evaluate(self, nonempty: set[str]) -> None:
        """Every stratum in order; `nonempty`: the relations whose tables hold base facts.
        A rule with a positive body atom of a relation known to be empty derives nothing and
        is not run; a relation is known empty until a statement that could fill it ran and
        its table was counted (only on a backend whose counts are cheap: `cheap_counts`)."""
        if not getattr(self.backend, "cheap_counts", False):
            for stratum in self.strata:
                if stratum.stratum.rules:
                    self.full(stratum, nonempty)
            return
        derived = {name for stratum in self.strata if stratum.stratum.rules for name in stratum.relations}
        # a derived relation's table was made afresh; another's may hold rows from before
        self.empty = {name for name in self.types if name not in nonempty
                      and (name in derived or not self.backend.count(name))}
        try:
            for stratum in self.strata:
                if stratum.stratum.rules:
                    self.full(stratum, nonempty)
        finally:
            self.empty = set()

    def full(self, stratum: StratumSql, nonempty: set[str]) -> None:
        empty = self.empty
        for head in sorted(stratum.relations):
            rules = [r for r in stratum.exit_rules if r.head == head and not (r.positive & empty)]
            if rules:
                self.insert(head, rules, head in nonempty)
                if head in empty and self.backend.count(head):
                    empty.discard(head)
        if stratum.recursive and empty and (stratum.relations <= empty or all(
                (rule.positive - stratum.relations) & empty for rule in stratum.delta_rules)):
            return  # no rows to start the recursion from, or every recursive rule reads an empty relation
        if stratum.recursive and self.linear(stratum) and not self.large(stratum):
            self.recursive_cte(stratum)
        elif stratum.recursive:
            for name in stratum.relations:
                self.copy_into(name, "delta", f"SELECT * FROM {self.name(name)}")
            self.loop(stratum)
        if stratum.recursive:
            for name in stratum.relations & empty:
                if self.backend.count(name):
                    empty.discard(name)

    def linear(self, stratum: StratumSql) -> bool:
        """Whether the stratum can run as one `WITH RECURSIVE ... UNION`: the backend gives it
        set semantics, the stratum has one relation, and each rule reads it once."""
        rules = [r.rule for r in stratum.delta_rules]
        return (getattr(self.backend, "recursive_union", False) and len(stratum.relations) == 1
                and len(rules) == len({id(rule) for rule in rules}))

    def large(self, stratum: StratumSql) -> bool:
        """Whether a linear stratum starts from more rows than a recursive CTE is given: DuckDB
        keeps a recursive CTE's rows (and the hash table its `UNION` makes them distinct with)
        in memory, while the loop's tables and its `EXCEPT` joins spill to disk under a memory
        limit. (`allen_possible` at 1,000,000 generated events: tens of millions of rows.)"""
        return sum(self.backend.count(name) for name in stratum.relations) > self.cte_rows

    def recursive_cte(self, stratum: StratumSql) -> None:
        """The recursive rules as the recursive part of a CTE named like the delta table they
        read: each round of the CTE reads the rows the last one added, as the loop would; its
        result replaces the table."""
        (name,) = stratum.relations
        rules = stratum.delta_rules
        step = _union(rules) if len(rules) == 1 else f"SELECT * FROM ({_union(rules)}) AS q"
        columns = ", ".join(column_names(len(self.types[name])) or ["c0"])
        table, delta = self.name(name), self.name(name, "delta")
        recursive = f"WITH RECURSIVE {delta}({columns}) AS (SELECT * FROM {table} UNION {step}) SELECT * FROM {delta}"
        # The CTE's rows (the table's and all they lead to, made distinct by its UNION) become
        # the table: no EXCEPT against the rows it already held.
        self.copy_into(name, "new", recursive, rules)
        self.backend.drop_table(name)
        self.backend.rename_table(Naming.helper(name, "new"), name)

    def insert(self, head: str, rules: Sequence[RuleSql], known: bool) -> None:
        """Add the rows of `rules` to `head` that it does not hold yet."""
        query = _union(rules)
        if known:
            query = f"({query}) EXCEPT SELECT * FROM {self.name(head)}"
        elif len(rules) == 1:
            query = rules[0].distinct_sql
        self.run(f"INSERT INTO {self.name(head)} {query}", rules)

    def unseen(self, query: str, head: str, feeding: Iterable[str]) -> str:
        """The rows of `query` that `head` does not hold yet, `query` reading its new rows from
        the tables `feeding`. `query EXCEPT head` hashes the whole relation; on a backend that
        can probe it instead (`probes_unseen`: DuckDB), a relation many times larger than the
        rows coming in is probed by the query's rows, and those found are taken out: `WITH n AS
        MATERIALIZED (query) SELECT * FROM n EXCEPT SELECT n.* FROM n SEMI JOIN head`, the
        database building its hash table on the smaller side. (One event added to the library
        at 100,000 events: `within`'s 935,294 rows hashed for a few new ones took 0.12 s.
        With as many rows coming in as the relation holds, probing costs twice the EXCEPT.)"""
        table = self.name(head)
        plain = f"({query}) EXCEPT SELECT * FROM {table}"
        if not getattr(self.backend, "probes_unseen", False):
            return plain
        held = self.backend.count(head)
        if held < PROBE_ROWS or held < PROBE_RATIO * sum(self.backend.count(name) for name in set(feeding)):
            return plain
        columns = column_names(len(self.types[head])) or ["c0"]
        on = " AND ".join(f"n.{c} IS NOT DISTINCT FROM b.{c}" for c in columns)
        rows = self.name(head, "new rows")
        return (f"WITH {rows} AS MATERIALIZED ({query}) SELECT * FROM {rows} "
                f"EXCEPT SELECT n.* FROM {rows} AS n SEMI JOIN {table} AS b ON {on}")

    def copy_into(self, relation: str, role: str, query: str, rules: Sequence[RuleSql] = ()) -> None:
        """A fresh helper table of `relation` holding the rows of `query`."""
        self.backend.drop_table(Naming.helper(relation, role))
        self.run(f"CREATE TABLE {self.name(relation, role)} AS {query}", rules)

    def loop(self, stratum: StratumSql, grown: set[str] | None = None) -> set[str]:
        """Semi-naive rounds from the `<r> delta` tables until no round adds a row; the rows
        added go to the `<r> added` tables of the relations in `grown` too. Returns the
        relations that gained rows."""
        members = sorted(stratum.relations)
        by_head: dict[str, list[RuleSql]] = {}
        for rule in stratum.delta_rules:
            by_head.setdefault(rule.head, []).append(rule)
        live = {name for name in members if self.backend.count(Naming.helper(name, "delta"))}
        gained: set[str] = set()
        while live:
            fresh = []
            for head in members:
                rules = [r for r in by_head.get(head, ()) if r.delta_relation in live]
                if rules:
                    feeding = [Naming.helper(r.delta_relation, "delta") for r in rules if r.delta_relation]
                    self.copy_into(head, "new", self.unseen(_union(rules), head, feeding), rules)
                    fresh.append(head)
            live = set()
            for head in fresh:
                if self.backend.count(Naming.helper(head, "new")):
                    self.run(f"INSERT INTO {self.name(head)} SELECT * FROM {self.name(head, 'new')}")
                    if grown is not None and head in grown:
                        self.run(f"INSERT INTO {self.name(head, 'added')} SELECT * FROM {self.name(head, 'new')}")
                    live.add(head)
                    gained.add(head)
            for head in members:
                delta = Naming.helper(head, "delta")
                self.backend.drop_table(delta)
                if head in live:
                    self.backend.rename_table(Naming.helper(head, "new"), delta)
                else:
                    self.backend.drop_table(Naming.helper(head, "new"))
                    self.backend.create_table(delta, self.types[head])
        for head in members:
            self.backend.drop_table(Naming.helper(head, "delta"))
        return gained

    # ---- continuing after base facts were added ---------------------------------------

    def update(self, changed: set[str], base_rows: BaseRows) -> None:
        """Continue the evaluation after rows were added to the relations of `changed` (their
        new rows in `<r>` and in `<r> added`); `base_rows` gives a relation's base facts."""
        lost: set[str] = set()
        for stratum in self.strata:
            if not stratum.stratum.rules:
                continue
            members = stratum.relations
            inputs = stratum.positive_inputs | stratum.negative_inputs
            if not (inputs | members) & (changed | lost):
                continue
            if not (inputs & lost) and not (stratum.negative_inputs & changed):
                with self.reordered():
                    self.resume(stratum, changed)
            else:
                self.recompute(stratum, changed, lost, base_rows)
        for name in changed:
            self.backend.drop_table(Naming.helper(name, "added"))

    @contextlib.contextmanager
    def reordered(self) -> Iterator[None]:
        """The statements inside joined in the order the database chooses, on a backend that
        can switch (`reorder_joins`, DuckDB's join-order optimizer, kept off otherwise: see
        `DuckDBBackend`): continuing a fixpoint, a body reads a table of the few rows just added,
        which the database then joins first, probing the large tables instead of hashing each
        (one event added to the library at 100,000 events: 2.0 -> 1.3 CPU s of statements)."""
        reorder = getattr(self.backend, "reorder_joins", None)
        if reorder is None:
            yield
            return
        reorder(True)
        try:
            yield
        finally:
            reorder(False)

    def resume(self, stratum: StratumSql, changed: set[str]) -> None:
        """Continue the stratum's fixpoint from the rows its lower relations gained (and its
        own relations' added base facts); a relation that gains rows joins `changed`."""
        members = stratum.relations
        for name in members:
            if name not in changed:
                self.backend.drop_table(Naming.helper(name, "added"))
                self.backend.create_table(Naming.helper(name, "added"), self.types[name])
        by_head: dict[str, list[RuleSql]] = {}
        for number, rule in enumerate(stratum.stratum.rules):
            for position, literal in enumerate(rule.body):
                if (isinstance(literal, ast.Atom) and literal.relation not in members
                        and literal.relation in changed and not self.reads_empty(rule, members | changed)):
                    variant = stratum.resume_variant(number, position)
                    if all(other is not variant for other in by_head.get(variant.head, ())):  # (merged rules: once)
                        by_head.setdefault(variant.head, []).append(variant)
        grew = {name for name in members if name in changed}
        for head in sorted(members):
            if head in by_head:
                rules = by_head[head]
                feeding = [Naming.helper(r.delta_relation, "added") for r in rules if r.delta_relation]
                self.copy_into(head, "new", self.unseen(_union(rules), head, feeding), rules)
                if self.backend.count(Naming.helper(head, "new")):
                    self.run(f"INSERT INTO {self.name(head)} SELECT * FROM {self.name(head, 'new')}")
                    self.run(f"INSERT INTO {self.name(head, 'added')} SELECT * FROM {self.name(head, 'new')}")
                    grew.add(head)
                self.backend.drop_table(Naming.helper(head, "new"))
        if stratum.recursive and grew and self.linear(stratum):
            self.resume_cte(stratum)
        elif stratum.recursive and grew:
            for name in members:
                self.copy_into(name, "delta", f"SELECT * FROM {self.name(name, 'added')}")
            grew |= self.loop(stratum, grown=set(members))
        for name in members:
            if name in grew:
                changed.add(name)
            else:
                self.backend.drop_table(Naming.helper(name, "added"))

    def resume_cte(self, stratum: StratumSql) -> None:
        """A linear recursive stratum continued as one `WITH RECURSIVE ... UNION` from the rows
        its relation gained (`<r> added`) instead of a round of statements per iteration: the
        CTE's rows that the table does not hold yet are added to it and to `<r> added`."""
        (name,) = stratum.relations
        rules = stratum.delta_rules
        step = _union(rules) if len(rules) == 1 else f"SELECT * FROM ({_union(rules)}) AS q"
        columns = ", ".join(column_names(len(self.types[name])) or ["c0"])
        table, delta, added = self.name(name), self.name(name, "delta"), self.name(name, "added")
        reached = f"WITH RECURSIVE {delta}({columns}) AS (SELECT * FROM {added} UNION {step}) SELECT * FROM {delta}"
        self.copy_into(name, "new", self.unseen(reached, name, [Naming.helper(name, "added")]), rules)
        if self.backend.count(Naming.helper(name, "new")):
            self.run(f"INSERT INTO {table} SELECT * FROM {self.name(name, 'new')}")
            self.run(f"INSERT INTO {added} SELECT * FROM {self.name(name, 'new')}")
        self.backend.drop_table(Naming.helper(name, "new"))

    def reads_empty(self, rule: ast.Clause, growing: set[str] | frozenset[str]) -> bool:
        """Whether a positive body atom of `rule` reads a relation that holds no rows and is
        not in `growing` (so derives nothing now), on a backend whose counts are cheap; the
        counts are taken once per update (a relation that gains rows joins `changed`)."""
        if not getattr(self.backend, "cheap_counts", False):
            return False
        for literal in rule.body:
            if isinstance(literal, ast.Atom) and literal.relation not in growing:
                size = self.sizes.get(literal.relation)
                if size is None:
                    size = self.sizes[literal.relation] = self.backend.count(literal.relation)
                if not size:
                    return True
        return False

    def recompute(self, stratum: StratumSql, changed: set[str], lost: set[str], base_rows: BaseRows) -> None:
        """The stratum afresh from its base facts; what its relations gained goes to their
        `added` tables (a relation that gained rows joins `changed`), and a relation that lost
        rows joins `lost`."""
        members = sorted(stratum.relations)
        nonempty = set()
        for name in members:
            self.backend.drop_table(Naming.helper(name, "old"))
            self.backend.rename_table(name, Naming.helper(name, "old"))
            self.backend.create_table(name, self.types[name])
            rows = list(base_rows(name))
            if rows:
                self.backend.insert_rows(name, self.types[name], rows)
                nonempty.add(name)
        self.full(stratum, nonempty)
        cheap = getattr(self.backend, "cheap_counts", False)
        for name in members:
            table, old = self.name(name), self.name(name, "old")
            added = Naming.helper(name, "added")
            gained = f"SELECT * FROM {table} EXCEPT SELECT * FROM {old}"
            if name in changed:
                before = self.backend.count(added)
                self.run(f"INSERT INTO {self.name(name, 'added')} {gained}")
                new = self.backend.count(added) - before
            else:
                self.copy_into(name, "added", gained)
                new = self.backend.count(added)
                if new:
                    changed.add(name)
                else:
                    self.backend.drop_table(added)
            if cheap:
                # tables are sets: the table is its rows the old one held plus the `new` rows,
                # so the old one held |old| - (|table| - new) rows the table no longer does
                gone = self.backend.count(Naming.helper(name, "old")) - (self.backend.count(name) - new)
            else:
                gone = self.backend.fetch(f"SELECT count(*) FROM (SELECT * FROM {old} EXCEPT SELECT * FROM {table}) AS g")[0][0]
            if gone:
                lost.add(name)
            self.backend.drop_table(Naming.helper(name, "old"))
