"""A checked, stratified program compiled to SQL, stratum by stratum.

`compile_program(analysis, backend_name)` plans every rule as the Python engine does (the
scheduled steps of `reasoner.plan`, with aggregates hoisted, before the Python-only passes:
sorted ranges and index choice) and writes each as a SELECT (`rules.py`); rules of one head
that differ only in filters (a disjunction expanded by the parser) are one SELECT with `OR`
(`disjunctions.py`):

- an exit rule (no body atom of its own stratum) once, reading the relations' tables;
- in a recursive stratum, one delta variant per body atom of the stratum, that atom read from
  the relation's delta table (the tuples the last round added);
- on demand (`StratumSql.resume_variant`), a variant reading one atom of a lower stratum from
  the table of the tuples just added to it (`add_facts` continuing the fixpoint).

Anything the SQL backends cannot compute as the Python engine does (`ord`, ...) is a
`CheckError` at load time naming the construct and the backend, with the rule's position.

Compiled rules are cached in the process (`_CACHE`), keyed by the rule itself (structural
equality, spans aside), the variant, the rule's variable types, the program's schemas and the
dialect: a second engine loading the same program, or a program loaded again after another
file, does not plan and write those rules again.

Tables: a relation's tuples are in the table named after it; `delta`, `new` and `added` tables
of a relation are named by `Naming`, with a space that no relation name can hold.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence

import attrs
from sqlglot import exp

from reasoner import ast
from reasoner.analysis import Analysis
from reasoner.analysis.strata import Stratum, dependency_edges
from reasoner.errors import CheckError, Diagnostic, error
from reasoner.plan.aggregates import hoist_aggregates
from reasoner.plan.ir import Emit, Step
from reasoner.plan.passes import PlanOptions, plan_body
from reasoner.sql.disjunctions import groups, shared_and_own
from reasoner.sql.distinctness import distinct_rows, split
from reasoner.sql.expressions import Unexpressible
from reasoner.sql.rules import TableOf, Unbound, rule_select


def table(name: str) -> exp.Table:
    """The table of a relation (or of one of its helper tables), as a quoted identifier."""
    return exp.Table(this=exp.to_identifier(name, quoted=True))


class Naming:
    """Table names: the relation's own, and its helpers (`path delta`, `path new`...)."""

    @staticmethod
    def relation(name: str) -> str:
        return name

    @staticmethod
    def helper(name: str, role: str) -> str:
        return f"{name} {role}"


def plan_steps(body: tuple[ast.Literal, ...], head_terms: tuple[ast.Term, ...], analysis_types: dict[str, str],
               schemas: dict, delta_position: int | None, head: str | None = None) -> list[Step]:
    """The scheduled steps of a body (aggregates hoisted), ending in the head's `Emit`."""
    options = PlanOptions(schemas, analysis_types, ranges=False, sorted_indexes=False)
    return plan_body(body, set(), delta_position, options, passes=(hoist_aggregates,),
                     emit=Emit(tuple(head_terms), head))


@attrs.frozen
class RuleSql:
    """One rule (or one of its variants) as a SELECT of its head's tuples."""

    rule: ast.Clause
    head: str
    sql: str  # the SELECT in the backend's dialect, written once
    delta_relation: str | None = None  # the relation its delta atom reads, for a delta variant
    distinct_sql: str = ""  # its rows made distinct: `sql` where they are already (`distinctness.py`)

    @property
    def distinct(self) -> bool:
        """Whether its rows are distinct as they are."""
        return self.distinct_sql == self.sql

    @property
    def positive(self) -> frozenset[str]:
        """The relations of its positive body atoms: when one is empty, the rule derives nothing."""
        return frozenset(literal.relation for literal in self.rule.body if isinstance(literal, ast.Atom))


@attrs.define
class StratumSql:
    stratum: Stratum
    exit_rules: tuple[RuleSql, ...]
    delta_rules: tuple[RuleSql, ...]
    positive_inputs: frozenset[str]
    negative_inputs: frozenset[str]
    analysis: Analysis = attrs.field(repr=False)
    dialect: str = "duckdb"
    schemas_key: Hashable = attrs.field(default=None, repr=False)
    merged: tuple[tuple[int, ...], ...] = ()  # the rules (by number) compiled as one SELECT
    _resumed: dict[tuple[int, int], RuleSql] = attrs.field(factory=dict, repr=False)

    @property
    def relations(self) -> frozenset[str]:
        return self.stratum.relations

    @property
    def recursive(self) -> bool:
        return bool(self.delta_rules)

    def resume_variant(self, rule_number: int, position: int) -> RuleSql:
        """Rule `rule_number` of the stratum with body atom `position` (of a lower stratum)
        read from the table of the tuples just added to its relation. For a rule merged with
        others (`disjunctions.py`), the group's one SELECT, the same object for each of its
        rules (the caller runs it once)."""
        key = (rule_number, position)
        if key not in self._resumed:
            rule = self.stratum.rules[rule_number]
            atom = rule.body[position]
            assert isinstance(atom, ast.Atom)
            self._resumed[key] = self._group_variant(rule_number, position) or _compile(
                rule, self.analysis, position, "added", atom.relation, self.dialect, self.schemas_key)
        return self._resumed[key]

    def _group_variant(self, rule_number: int, position: int) -> RuleSql | None:
        group = next((g for g in self.merged if rule_number in g), None)
        if group is None:
            return None
        clauses = tuple(self.stratum.rules[i] for i in group)
        body = self.stratum.rules[rule_number].body
        literal = body[position]
        shared = shared_and_own([clause.body for clause in clauses])[0]
        # the same occurrence of the literal in the shared body (an atom is never a rule's own)
        occurrence = body[:position].count(literal)
        found = [i for i, other in enumerate(shared) if other == literal]
        if occurrence >= len(found):
            return None
        key = (-1 - group[0], found[occurrence])
        if key not in self._resumed:
            assert isinstance(literal, ast.Atom)
            try:
                self._resumed[key] = _compile(clauses, self.analysis, found[occurrence], "added", literal.relation,
                                              self.dialect, self.schemas_key)
            except (Unbound, Unexpressible, _Conflict):
                return None
        return self._resumed[key]


def compile_program(analysis: Analysis, backend: str, dialect: str) -> tuple[StratumSql, ...]:
    """Every stratum's SQL in `dialect`; raises `CheckError` listing each construct `backend`
    (its name in messages) cannot run. A program compiled before (in any process) is read
    back from the on-disk cache (`compile_cache`)."""
    from reasoner.sql import compile_cache
    from reasoner.sql.eqrel import with_closure_rules

    analysis = with_closure_rules(analysis)  # an eqrel is computed as its closure here
    problems: list[Diagnostic] = _record_refusals(analysis, backend)
    if problems:
        raise CheckError(problems)
    schemas_key = _schemas_key(analysis)
    entry = compile_cache.entry(analysis, backend, dialect)
    stored = compile_cache.read(entry) if entry is not None else None
    if stored is not None:
        rebuilt = _rebuilt(stored, analysis, dialect, schemas_key)
        if rebuilt is not None:
            return rebuilt
    strata = []
    kept: list[compile_cache.StoredStratum] = []
    for stratum in analysis.strata:
        exit_rules: list[tuple[tuple[int, ...], RuleSql]] = []
        delta_rules: list[tuple[tuple[int, ...], RuleSql]] = []
        together: list[tuple[int, ...]] = []
        for group in groups(stratum.rules):
            clauses = tuple(stratum.rules[i] for i in group)
            merged = _variants(clauses, stratum, analysis, dialect, schemas_key) if len(clauses) > 1 else None
            if merged is not None:
                exit_rules += [(tuple(group), r) for r in merged[0]]
                delta_rules += [(tuple(group), r) for r in merged[1]]
                together.append(tuple(group))
                continue
            for number, rule in zip(group, clauses):
                try:
                    found = _variants((rule,), stratum, analysis, dialect, schemas_key)
                    assert found is not None
                    exit_rules += [((number,), r) for r in found[0]]
                    delta_rules += [((number,), r) for r in found[1]]
                except Unexpressible as exc:
                    problems.append(error(f"the {backend} backend cannot run {exc.construct}: {exc.reason}",
                                          exc.span or rule.span,
                                          "run this program on the Python engine (backend=\"python\")"))
        problems += _refusals(stratum, analysis, backend)
        strata.append(_stratum_sql(stratum, [r for _, r in exit_rules], [r for _, r in delta_rules], together,
                                   analysis, dialect, schemas_key))
        kept.append(([_stored(numbers, r) for numbers, r in exit_rules],
                     [_stored(numbers, r) for numbers, r in delta_rules], together))
    if problems:
        raise CheckError(problems)
    if entry is not None:
        compile_cache.write(entry, kept)
    return tuple(strata)


def _stratum_sql(stratum: Stratum, exit_rules: list[RuleSql], delta_rules: list[RuleSql],
                 together: list[tuple[int, ...]], analysis: Analysis, dialect: str,
                 schemas_key: Hashable) -> StratumSql:
    edges = [e for e in dependency_edges(stratum.rules) if e.body not in stratum.relations]
    return StratumSql(stratum, tuple(exit_rules), tuple(delta_rules),
                      frozenset(e.body for e in edges if not e.negative),
                      frozenset(e.body for e in edges if e.negative), analysis, dialect, schemas_key,
                      tuple(together))


def _stored(numbers: tuple[int, ...], rule: RuleSql) -> tuple[tuple[int, ...], str, str, str | None, str]:
    return numbers, rule.head, rule.sql, rule.delta_relation, rule.distinct_sql


def _stored_rules(stratum: Stratum, entries: list) -> list[RuleSql]:
    made = []
    for numbers, head, sql, delta_relation, distinct_sql in entries:
        rule = stratum.rules[numbers[0]]
        if rule.head.relation != head:
            raise ValueError(head)
        made.append(RuleSql(rule, head, sql, delta_relation, distinct_sql))
    return made


def _rebuilt(stored: list, analysis: Analysis, dialect: str, schemas_key: Hashable) -> tuple[StratumSql, ...] | None:
    """The strata of a cache entry, with this program's rules; None if it does not fit them."""
    if len(stored) != len(analysis.strata):
        return None
    strata = []
    try:
        for stratum, (exits, deltas, together) in zip(analysis.strata, stored):
            strata.append(_stratum_sql(stratum, _stored_rules(stratum, exits), _stored_rules(stratum, deltas),
                                       [tuple(g) for g in together], analysis, dialect, schemas_key))
    except (ValueError, TypeError, IndexError):
        return None
    return tuple(strata)


def _refusals(stratum: Stratum, analysis: Analysis, backend: str) -> list[Diagnostic]:
    """What a stratum holds besides rules that the SQL backends do not run: subsumptions (no
    SQL form yet) and `choice-domain`s (the tuple kept depends on the order of derivation)."""
    hint = "run this program on the Python engine (backend=\"python\")"
    found = [error(f"the {backend} backend cannot run a subsumption: the SQL backends do not take dominated "
                   "tuples out during the fixpoint yet", getattr(subsumption, "span", None), hint)
             for subsumption in getattr(stratum, "subsumptions", ())]
    for name in sorted(stratum.relations):
        schema = analysis.schemas.get(name)
        choice: tuple[object, ...] = getattr(schema, "choice", None) or ()  # (a newer schema field)
        if schema is not None and choice:
            found.append(error(f"the {backend} backend cannot run the choice-domain of `{name}`: which tuple "
                               "it keeps depends on the order tuples are derived in", schema.span, hint))
    return found


def _record_refusals(analysis: Analysis, backend: str) -> list[Diagnostic]:
    """Records and algebraic data types (`reasoner.records`), which the SQL backends do not
    store: refused before any rule is written, once per relation that has such a column."""
    return [error(f"the {backend} backend cannot run records: `{name}` has a column of a record or algebraic data "
                  "type, which the SQL backends do not store yet", schema.span,
                  "run this program on the Python engine (backend=\"python\")")
            for name, schema in sorted(analysis.schemas.items())
            if schema.records is not None and any(map(schema.records.is_record_type, schema.bases))]


_CACHE: OrderedDict[Hashable, RuleSql] = OrderedDict()
_CACHE_SIZE = 8192
_CACHE_LOCK = threading.Lock()


def _variants(clauses: tuple[ast.Clause, ...], stratum: Stratum, analysis: Analysis, dialect: str,
              schemas_key: Hashable) -> tuple[list[RuleSql], list[RuleSql]] | None:
    """The exit SELECT of a group of rules (`disjunctions.groups`), or in a recursive stratum
    its delta variants, one per body atom of the stratum; None when the group cannot run as
    one SELECT after all (its rules then compile one by one)."""
    body = shared_and_own([clause.body for clause in clauses])[0] if len(clauses) > 1 else clauses[0].body
    positions = [i for i, literal in enumerate(body)
                 if isinstance(literal, ast.Atom) and literal.relation in stratum.relations
                 ] if stratum.recursive else []
    try:
        if not positions:
            return [_compile(clauses, analysis, None, None, None, dialect, schemas_key)], []
        delta = []
        for position in positions:
            atom = body[position]
            assert isinstance(atom, ast.Atom)
            delta.append(_compile(clauses, analysis, position, "delta", atom.relation, dialect, schemas_key))
        return [], delta
    except (Unbound, Unexpressible, _Conflict):
        if len(clauses) > 1:
            return None
        raise


class _Conflict(Exception):
    """Rules of a group give one variable different types."""


def _compile(clauses: ast.Clause | tuple[ast.Clause, ...], analysis: Analysis, position: int | None,
             role: str | None, delta_relation: str | None, dialect: str, schemas_key: Hashable = None) -> RuleSql:
    """The SELECT of a rule, or of a group of rules of one head differing only in filters (one
    SELECT with the OR of their own filters, `disjunctions.py`), with atom `position` of the
    (shared) body read from the relation's `role` helper table; from the cache when the same
    rules were compiled for the same schemas before."""
    if isinstance(clauses, ast.Clause):
        clauses = (clauses,)
    rule = clauses[0]
    types: dict[str, str] = {}
    for clause in clauses:
        for name, kind in analysis.variable_types[id(clause)].items():
            if types.setdefault(name, kind) != kind:
                raise _Conflict(name)
    key = None
    if schemas_key is not None:
        try:
            key = _Key((clauses, position, role, dialect, frozenset(types.items()), schemas_key))
            with _CACHE_LOCK:
                cached = _CACHE.get(key)
                if cached is not None:
                    _CACHE.move_to_end(key)
        except TypeError:  # a value in the rule that cannot be hashed: no caching
            key, cached = None, None
        if cached is not None:
            return attrs.evolve(cached, rule=rule)  # the rule of this program: its spans
    schema = analysis.schemas[rule.head.relation]
    body, own = shared_and_own([clause.body for clause in clauses]) if len(clauses) > 1 else (rule.body, [])
    steps = plan_steps(body, rule.head.args, types, analysis.schemas, position, rule.head.relation)
    delta: TableOf | None = None
    if role is not None:
        delta = functools.partial(_helper_table, role=role)

    def select_with(sources: dict[int, exp.Expr] | None = None) -> exp.Select:
        return rule_select(steps, types, lambda name: table(Naming.relation(name)), delta, schema.bases,
                           aliases=itertools.count(), alternatives=own, sources=sources)

    select = select_with()
    # copy=False: the tree is written once and not read again, so the generator need not copy it
    sql = select.sql(dialect=dialect, copy=False)
    distinct_sql = sql
    if not distinct_rows(steps, types, schema.bases):
        parts = split(steps, types, schema.bases, select_with, table) if position is None else None
        distinct_sql = parts.sql(dialect=dialect, copy=False) if parts is not None else f"SELECT DISTINCT * FROM ({sql}) AS q"
    compiled = RuleSql(rule, rule.head.relation, sql, delta_relation, distinct_sql)
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = compiled
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return compiled


class _Key:
    """A cache key that hashes its parts once (a rule's syntax tree is deep): each lookup and
    `move_to_end` would hash them again."""

    __slots__ = ("parts", "hash")

    def __init__(self, parts: tuple[object, ...]):
        self.parts = parts
        self.hash = hash(parts)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.parts == other.parts


_SCHEMAS: dict[frozenset, frozenset] = {}
_SCHEMAS_SIZE = 64


def _schemas_key(analysis: Analysis) -> frozenset:
    """The program's schemas as a cache key, one object for equal schemas: a cached rule's key
    then matches by identity, not by comparing every schema again."""
    key = frozenset(analysis.schemas.items())
    with _CACHE_LOCK:
        if len(_SCHEMAS) >= _SCHEMAS_SIZE and key not in _SCHEMAS:
            _SCHEMAS.clear()
        return _SCHEMAS.setdefault(key, key)


def _helper_table(name: str, role: str) -> exp.Table:
    return table(Naming.helper(name, role))


def goal_select(body: tuple[ast.Literal, ...], names: Sequence[str], types: dict[str, str],
                analysis: Analysis, backend: str) -> exp.Select:
    """A goal's distinct answers: one column per variable of `names`."""
    head = tuple(ast.Var(name) for name in names)
    steps = plan_steps(body, head, types, analysis.schemas, None)
    try:
        select = rule_select(steps, types, lambda name: table(Naming.relation(name)), None,
                             tuple(types.get(n, "symbol") for n in names), aliases=itertools.count())
    except Unexpressible as exc:
        raise CheckError(error(f"the {backend} backend cannot run {exc.construct}: {exc.reason}", exc.span,
                               "run this goal on the Python engine (backend=\"python\")")) from None
    return select.distinct()
