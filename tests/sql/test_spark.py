"""The Spark backend (local[2]) against the Python engine, the oracle: a representative subset of
the golden programs and of the generated differential programs give every relation the same
tuples; added facts continue the fixpoint; a load that fails leaves the engine as it was; what
Spark cannot compute as the Python engine does is refused at load time, naming the construct.

One SparkContext for the module (the `spark` fixture starts it; every engine takes a session of
its own on it). Without Java or pyspark the module is skipped with the reason."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("sqlglot")
pytest.importorskip("pyspark")

from reasoner import Engine  # noqa: E402
from reasoner.errors import CheckError, EvaluationError, LoadError  # noqa: E402
from reasoner.load import event_schemas  # noqa: E402
from reasoner.resources import data_dir  # noqa: E402
from tests.pydatalog_oracle import to_souffle  # noqa: E402
from tests.sql.differential import differences, short  # noqa: E402
from tests.test_differential import PROGRAMS, generate_program  # noqa: E402

ROOT = Path(__file__).parent.parent.parent
GOLDEN = ROOT / "tests" / "golden"
# Recursion (linear, mutual, same generation), negation, aggregates (float sums through
# math.fsum, grouped, over recursion), arithmetic, strings, conversions, dates, match/contains,
# unsigned and bitwise operators, nullary relations, disjunction.
GOLDENS = ("recursion_mutual", "recursion_same_generation", "stratified_negation_recursion", "aggregates_float",
           "aggregate_over_recursion", "aggregates_sum_distinct_bindings", "arithmetic_in_rules", "string_functors",
           "date_arithmetic", "contains_match", "bitwise_logical_unsigned", "nullary_relation", "souffle_dnf",
           # Soufflé's constructs beyond the core (issue 18): eqrel, components, aggregate witnesses,
           # logical functors, the preprocessor, inline relations, existence checks
           "eqrel_coreference", "components_generic_graph", "souffle_aggregate_witnesses", "souffle_logical",
           "preprocessor", "souffle_inline_unification", "souffle_existential")
GENERATED = range(0, PROGRAMS, 20)  # 12 of the 240 generated programs


@pytest.fixture(scope="module")
def spark():
    from reasoner.sql.spark_session import spark_session

    try:
        return spark_session(None)
    except LoadError as exc:
        pytest.skip(f"Spark cannot start here: {str(exc).splitlines()[0]}")


def _both(text: str) -> tuple[Engine, Engine]:
    python, on_spark = Engine(), Engine(backend="spark")
    python.load_text(text)
    on_spark.load_text(text)
    return python, on_spark


@pytest.mark.parametrize("name", GOLDENS)
def test_golden_programs_agree(spark, name, monkeypatch):
    monkeypatch.chdir(GOLDEN / name)
    python = Engine(fact_dir="facts")
    python.load("program.dl")
    on_spark = Engine(backend="spark", fact_dir="facts")
    on_spark.load("program.dl")
    found = differences(python, on_spark)
    assert not found, short(found)
    on_spark.close()


def test_generated_programs_agree(spark):
    for seed in GENERATED:
        text = to_souffle(generate_program(seed))
        python, on_spark = Engine(), Engine(backend="spark")
        python.load_text(text, name="<generated>")
        on_spark.load_text(text, name="<generated>")
        found = differences(python, on_spark)
        assert not found, f"seed {seed}: {short(found)}\n{text}"
        on_spark.close()


def test_the_rule_library_on_the_corpus_agrees(spark):
    """The slice of rules/escalation.dl that `responds`, `escalation_step` and `escalation_chain`
    need (87 relations, benchmarks/library_slice.py), on the shipped corpus's events."""
    spec = importlib.util.spec_from_file_location("library_slice", ROOT / "benchmarks" / "library_slice.py")
    assert spec is not None and spec.loader is not None
    library_slice = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(library_slice)
    program = library_slice.slice_program()
    python, on_spark = Engine(), Engine(backend="spark")
    for engine in (python, on_spark):
        for schema in event_schemas().values():
            engine.add_schema(schema)
        engine.load(data_dir("corpus"))
        engine.load_text(program, name="slice.dl")
    found = differences(python, on_spark)
    assert not found, short(found)
    assert python.relation("responds"), "the corpus derives responds"


PATHS = """
.decl edge(x: number, y: number)
edge(1, 2). edge(2, 3). edge(3, 1).
.decl path(x: number, y: number)
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
.decl reach(x: number, n: number)
reach(X, N) :- edge(X, _), N = count : { path(X, _) }.
.decl unreached(x: number)
unreached(X) :- edge(X, _), !path(X, 4).
"""


def test_added_facts_continue_the_fixpoint(spark):
    python, on_spark = _both(PATHS)
    for engine in (python, on_spark):
        engine.add_facts("edge", [(3, 4), (4, 5)])
    assert not differences(python, on_spark)
    assert on_spark.query("path(1, X)") == python.query("path(1, X)")
    assert (1, 5) in on_spark.relation("path") and (1,) not in on_spark.relation("unreached")


def test_a_failed_load_leaves_the_engine_as_it_was(spark):
    python, on_spark = _both(PATHS)
    before = {name: on_spark.relation(name) for name in on_spark.relations()}
    with pytest.raises(EvaluationError) as raised:
        on_spark.load_text(".decl ratio(x: number)\nratio(X / (Y - Y)) :- edge(X, Y).", name="ratio.dl")
    text = str(raised.value)
    assert "ratio.dl:2:1: error: evaluation failed on Spark: Division by zero" in text
    assert "ratio(X / (Y - Y))" in text and "^" in text
    assert sorted(on_spark.relations()) == sorted(before)
    assert {name: on_spark.relation(name) for name in on_spark.relations()} == before
    on_spark.add_facts("edge", [(3, 4)])  # and it goes on working
    python.add_facts("edge", [(3, 4)])
    assert not differences(python, on_spark)


def test_64_bit_overflow_is_an_error_not_a_wrapped_number(spark):
    on_spark = Engine(backend="spark")
    on_spark.load_text(".decl big(x: number)\nbig(9223372036854775000).")
    with pytest.raises(EvaluationError) as raised:
        on_spark.load_text(".decl bigger(x: number)\nbigger(X + 1000) :- big(X).", name="big.dl")
    assert "big.dl:2:1: error: evaluation failed on Spark:" in str(raised.value)
    assert "overflow" in str(raised.value)


def test_float_division_and_remainder_by_zero_are_ieee_as_in_python(spark):
    text = """
    .decl pair(x: float, y: float)
    pair(1.0, 0.0). pair(-1.0, 0.0). pair(0.0, 0.0). pair(2.0, -0.0). pair(7.5, 2.0).
    .decl quotient(x: float, y: float, q: float, r: float)
    quotient(X, Y, X / Y, X % Y) :- pair(X, Y).
    """
    python, on_spark = _both(text)
    found = differences(python, on_spark)
    assert not found, short(found)
    quotients = {(x, y): q for x, y, q, _ in on_spark.relation("quotient")}
    assert quotients[(1.0, 0.0)] == float("inf") and quotients[(-1.0, 0.0)] == float("-inf")


def test_to_number_reads_hexadecimal_and_binary_as_python_does(spark):
    text = """
    .decl text(s: symbol)
    text("0x1F"). text("-0b101"). text(" 42"). text("+7"). text("-0X10").
    .decl number(s: symbol, n: number)
    number(S, to_number(S)) :- text(S).
    """
    python, on_spark = _both(text)
    assert not differences(python, on_spark)
    assert ("0x1F", 31) in on_spark.relation("number") and ("-0b101", -5) in on_spark.relation("number")


def test_match_gives_python_answers_on_texts_where_java_differs(spark):
    text = """
    .decl text(s: symbol)
    text("a\\rb"). text("a\\nb"). text("a b"). text("ab\\n"). text("a\\tb"). text("axb").
    .decl dotted(s: symbol)
    dotted(S) :- text(S), match("a.b", S).
    .decl spaced(s: symbol)
    spaced(S) :- text(S), match("a\\\\sb", S).
    .decl ended(s: symbol)
    ended(S) :- text(S), match("ab$", S).
    .decl found(s: symbol)
    found(S) :- text(S), contains("b", S).
    """
    python, on_spark = _both(text)
    found = differences(python, on_spark)
    assert not found, short(found)
    assert on_spark.relation("dotted") == {("a\rb",), ("a b",), ("a\tb",), ("axb",)}


@pytest.mark.parametrize("rule, construct", [
    ('r(S) :- word(S), match("a\\\\bc", S).', "`match` with the pattern 'a\\bc'"),
    ("r(S) :- word(P), word(S), match(P, S).", "`match`: Spark reads regular expressions as Java does"),
    ("r(to_string(F)) :- num(F).", "`to_string` of a float"),
    ("r(S) :- word(S), ord(S) > 0.", "the functor ord"),
    (".type P = [a: symbol] .decl q(p: P) q([S]) :- word(S). r(S) :- q([S]).", "records"),
])
def test_what_spark_cannot_compute_alike_is_refused_at_load_time(spark, rule, construct):
    on_spark = Engine(backend="spark")
    on_spark.load_text('.decl word(s: symbol)\nword("abc").\n.decl num(f: float)\nnum(1.5).')
    with pytest.raises(CheckError) as raised:
        on_spark.load_text(f".decl r(s: symbol)\n{rule}", name="r.dl")
    text = str(raised.value)
    assert "r.dl:2:" in text and "error: the Spark backend cannot run" in text
    assert construct in text
    assert on_spark.relations() == ["num", "word"] or sorted(on_spark.relations()) == ["num", "word"]


def test_two_engines_never_see_each_other_s_tables(spark):
    first, second = Engine(backend="spark"), Engine(backend="spark")
    first.load_text(".decl p(x: number)\np(1).\n.decl q(x: number)\nq(X + 1) :- p(X).")
    second.load_text('.decl p(x: symbol)\np("one").')
    assert first.relation("q") == {(2,)} and first.relation("p") == {(1,)}
    assert second.relation("p") == {("one",)}
    first.close()
    assert second.relation("p") == {("one",)}


def test_input_facts_from_parquet_are_read_by_spark(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"from": ["a", "b", "c"], "to": ["b", "c", "d"]}), tmp_path / "link.parquet")
    text = ('.decl link(x: symbol, y: symbol)\n.input link(filename="link.parquet", format="parquet")\n'
            ".decl reach(x: symbol, y: symbol)\nreach(X, Y) :- link(X, Y).\nreach(X, Z) :- reach(X, Y), link(Y, Z).")
    on_spark = Engine(backend="spark", fact_dir=tmp_path)
    on_spark.load_text(text)
    assert on_spark.relation("reach") == {("a", "b"), ("b", "c"), ("c", "d"), ("a", "c"), ("b", "d"), ("a", "d")}


def test_parquet_files_are_read_by_spark_by_column_position(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from reasoner.sql.files import BadFile

    pq.write_table(pa.table({"from": ["a", "b", "a"], "to": ["b", "c", "b"], "weight": [1, 2, 1]}),
                   tmp_path / "link.parquet")
    backend = Engine(backend="spark").backend
    backend.create_table("link", ("symbol", "symbol", "number"))
    backend.read_file("link", ("symbol", "symbol", "number"), tmp_path / "link.parquet", {"format": "parquet"})
    assert sorted(backend.fetch("SELECT * FROM `link`")) == [("a", "b", 1), ("b", "c", 2)]
    backend.create_table("pair", ("symbol", "symbol"))
    with pytest.raises(BadFile, match="link.parquet has 3 columns, the relation 2"):
        backend.read_file("pair", ("symbol", "symbol"), tmp_path / "link.parquet", {})
    backend.create_table("dated", ("symbol", "date", "number"))
    with pytest.raises(BadFile, match="does not fit the relation"):
        backend.read_file("dated", ("symbol", "date", "number"), tmp_path / "link.parquet", {})
    assert backend.count("dated") == 0


def test_output_files_are_the_python_engine_s(spark, tmp_path):
    text = """
    .decl reading(name: symbol, value: float, day: date, count: number)
    reading("b", 0.1, 2025-10-22, -3). reading("a", 2.5e10, 2025-01-02, 7). reading("c", 1.0 / 3.0, 2024-02-29, 0).
    .output reading
    .output reading(filename="with_headers.tsv", headers=true, delimiter=";")
    """
    python, on_spark = _both(text)
    (tmp_path / "python").mkdir()
    (tmp_path / "spark").mkdir()
    python.write_outputs(tmp_path / "python")
    on_spark.write_outputs(tmp_path / "spark")
    for name in ("reading.csv", "with_headers.tsv"):
        assert (tmp_path / "spark" / name).read_text() == (tmp_path / "python" / name).read_text()
    assert (tmp_path / "spark" / "with_headers.tsv").read_text().startswith("name;value;day;count\n")


def test_the_master_is_passed_through_and_another_one_refused(spark):
    on_spark = Engine(backend="spark", spark_master=spark.sparkContext.master)
    on_spark.load_text(".decl p(x: number)\np(1). p(2).")
    assert on_spark.size("p") == 2
    assert repr(on_spark) == "<Engine (Spark): 1 relations, 2 tuples>"
    with pytest.raises(LoadError) as raised:
        Engine(backend="spark", spark_master="local[1]")
    assert f"this process already runs Spark on {spark.sparkContext.master}; it cannot also use local[1]" in str(
        raised.value)
