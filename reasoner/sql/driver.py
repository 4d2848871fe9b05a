"""Evaluation on a database, stratum by stratum, through a `Backend` (`backend.py`).

`Driver.evaluate` computes every relation from the tables of base facts: for each stratum,
its exit rules as one `INSERT INTO r SELECT ... UNION SELECT ...` per head relation (with
`EXCEPT` the rows already there when the table holds base facts); in a recursive stratum then
a semi-naive loop run by the driver: each round computes, for each relation of the stratum,
`new = (delta variants) EXCEPT r` into a table, adds it to `r`, and makes it the next delta,
until every `new` is empty. Set semantics throughout: a table never holds a row twice.

`Driver.update` continues an evaluation after base facts were added (their rows not yet in
the tables, in `<r> added` tables): a stratum that reads the added rows only through positive
atoms continues its fixpoint from them (one variant per body atom of a lower stratum that
gained rows, then the semi-naive loop); a stratum that reads a relation that gained rows under
negation or an aggregate, or one that lost rows, is recomputed from its base facts. Strata
that read nothing that changed are left alone.

The caller wraps each call in a transaction (`Backend.begin`/`commit`/`rollback`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlglot import exp

from reasoner import ast
from reasoner.sql.backend import Backend
from reasoner.sql.strata import Naming, RuleSql, StratumSql, table

BaseRows = Callable[[str], Iterable[tuple]]  # relation -> its base facts (for a recompute)


def _union(selects: Sequence[exp.Select]) -> exp.Expression:
    query: exp.Expression = selects[0].copy()
    for select in selects[1:]:
        query = exp.union(query, select.copy(), distinct=True)
    return query


def _star(name: str) -> exp.Select:
    return exp.select(exp.Star()).from_(table(name))


class Driver:
    """Runs compiled strata (`strata.compile_program`) on a backend."""

    def __init__(self, backend: Backend, strata: tuple[StratumSql, ...], types: dict[str, tuple[str, ...]]):
        self.backend = backend
        self.strata = strata
        self.types = types  # relation -> base types of its columns
        self.statements = 0
        self.last_rules: Sequence[RuleSql] = ()  # the rules of the statement run last (for errors)

    def run(self, statement: exp.Expression, rules: Sequence[RuleSql] = ()) -> None:
        self.statements += 1
        self.last_rules = rules
        self.backend.execute(statement.sql(dialect=self.backend.dialect))

    # ---- evaluation from scratch ------------------------------------------------------

    def evaluate(self, nonempty: set[str]) -> None:
        """Every stratum in order; `nonempty`: the relations whose tables hold base facts."""
        for stratum in self.strata:
            if stratum.stratum.rules:
                self.full(stratum, nonempty)

    def full(self, stratum: StratumSql, nonempty: set[str]) -> None:
        for head in sorted(stratum.relations):
            rules = [r for r in stratum.exit_rules if r.head == head]
            if rules:
                self.insert(head, _union([r.select for r in rules]), head in nonempty, rules)
        if stratum.recursive:
            for name in stratum.relations:
                self.copy_into(Naming.helper(name, "delta"), _star(name))
            self.loop(stratum)

    def insert(self, head: str, query: exp.Expression, known: bool, rules: Sequence[RuleSql] = ()) -> None:
        """Add the rows of `query` to `head` that it does not hold yet."""
        if known:
            query = exp.except_(query, _star(head), distinct=True)
        elif not isinstance(query, exp.Union):
            query = exp.select(exp.Star()).from_(exp.Subquery(this=query, alias=exp.TableAlias(
                this=exp.to_identifier("q")))).distinct()
        self.run(exp.Insert(this=table(head), expression=query), rules)

    def copy_into(self, name: str, query: exp.Expression, rules: Sequence[RuleSql] = ()) -> None:
        """A fresh table `name` holding the rows of `query`."""
        self.backend.drop_table(name)
        self.run(exp.Create(this=table(name), kind="TABLE", expression=query), rules)

    def loop(self, stratum: StratumSql, grown: set[str] | None = None) -> None:
        """Semi-naive rounds from the `<r> delta` tables until no round adds a row; the rows
        added go to the `<r> added` tables of the relations in `grown` too."""
        members = sorted(stratum.relations)
        by_head: dict[str, list[RuleSql]] = {}
        for rule in stratum.delta_rules:
            by_head.setdefault(rule.head, []).append(rule)
        live = {name for name in members if self.backend.count(Naming.helper(name, "delta"))}
        while live:
            fresh = []
            for head in members:
                rules = [r for r in by_head.get(head, ()) if r.delta_relation in live]
                new = Naming.helper(head, "new")
                if rules:
                    self.copy_into(new, exp.except_(_union([r.select for r in rules]), _star(head), distinct=True),
                                   rules)
                    fresh.append(head)
            live = set()
            for head in fresh:
                new = Naming.helper(head, "new")
                if self.backend.count(new):
                    self.run(exp.Insert(this=table(head), expression=_star(new)))
                    if grown is not None and head in grown:
                        self.run(exp.Insert(this=table(Naming.helper(head, "added")), expression=_star(new)))
                    live.add(head)
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
                self.resume(stratum, changed)
            else:
                self.recompute(stratum, changed, lost, base_rows)
        for name in changed:
            self.backend.drop_table(Naming.helper(name, "added"))

    def _ensure_added(self, name: str, changed: set[str]) -> None:
        if name not in changed:
            self.backend.create_table(Naming.helper(name, "added"), self.types[name])
            changed.add(name)

    def resume(self, stratum: StratumSql, changed: set[str]) -> None:
        members = stratum.relations
        for name in members:
            self._ensure_added(name, changed)
        by_head: dict[str, list[RuleSql]] = {}
        for number, rule in enumerate(stratum.stratum.rules):
            for position, literal in enumerate(rule.body):
                if (isinstance(literal, ast.Atom) and literal.relation not in members
                        and literal.relation in changed):
                    variant = stratum.resume_variant(number, position)
                    by_head.setdefault(variant.head, []).append(variant)
        for head in sorted(members):
            if head in by_head:
                added = Naming.helper(head, "added")
                new = Naming.helper(head, "new")
                rules = by_head[head]
                self.copy_into(new, exp.except_(_union([r.select for r in rules]), _star(head), distinct=True), rules)
                self.run(exp.Insert(this=table(head), expression=_star(new)))
                self.run(exp.Insert(this=table(added), expression=_star(new)))
                self.backend.drop_table(new)
        if stratum.recursive:
            for name in members:
                self.copy_into(Naming.helper(name, "delta"), _star(Naming.helper(name, "added")))
            self.loop(stratum, grown=set(members))

    def recompute(self, stratum: StratumSql, changed: set[str], lost: set[str], base_rows: BaseRows) -> None:
        """The stratum afresh from its base facts; what its relations gained goes to their
        `added` tables, and a relation that lost rows is recorded in `lost`."""
        members = sorted(stratum.relations)
        nonempty = set()
        for name in members:
            old = Naming.helper(name, "old")
            self.backend.drop_table(old)
            self.backend.rename_table(name, old)
            self.backend.create_table(name, self.types[name])
            rows = list(base_rows(name))
            if rows:
                self.backend.insert_rows(name, self.types[name], rows)
                nonempty.add(name)
        self.full(stratum, nonempty)
        for name in members:
            old = Naming.helper(name, "old")
            added = Naming.helper(name, "added")
            gained = exp.except_(_star(name), _star(old), distinct=True)
            if name in changed:
                self.run(exp.Insert(this=table(added), expression=gained))
            else:
                self.copy_into(added, gained)
                changed.add(name)
            gone = exp.except_(_star(old), _star(name), distinct=True)
            if self.backend.fetch(exp.select(exp.Count(this=exp.Star())).from_(
                    exp.Subquery(this=gone, alias=exp.TableAlias(this=exp.to_identifier("g"))))
                    .sql(dialect=self.backend.dialect))[0][0]:
                lost.add(name)
            self.backend.drop_table(old)
