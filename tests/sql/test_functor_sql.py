"""Every functor of the table has an SQL form (`Functor.sql`) for each result type it can have:
a template sqlglot reads, or an explicit `Unsupported(reason)`."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot")

from reasoner.functors import TABLE, Unsupported  # noqa: E402
from reasoner.sql.expressions import _template  # noqa: E402

TYPES = ("number", "unsigned", "float", "symbol", "date")


@pytest.mark.parametrize("name", [f.name for f in TABLE])
def test_every_functor_has_an_sql_form(name: str) -> None:
    functor = next(f for f in TABLE if f.name == name)
    assert functor.sql is not None, f"functor {name} has no `sql` entry in reasoner/functors.py TABLE"
    low = functor.arity[0]
    for first in TYPES:
        arg_types = [first] + ["number"] * (low - 1)
        try:
            result = functor.result(arg_types)
        except TypeError:
            continue
        form = functor.sql(arg_types, result) if callable(functor.sql) else functor.sql
        if isinstance(form, Unsupported):
            assert form.reason
            continue
        assert _template(form, low) is not None


# ---- the SQL forms give the Python engine's values and errors --------------------------------

pytest.importorskip("duckdb")

from reasoner import Engine  # noqa: E402
from reasoner.errors import EvaluationError  # noqa: E402


def _run(backend: str, arg_type: str, values: list, rule: str, result_type: str) -> tuple[str, object]:
    """("ok", the tuples of `r`) or ("error", the message) for `rule` over `t(x)` holding `values`."""
    engine = Engine(backend=backend) if backend != "python" else Engine()
    engine.load_text(f".decl t(x: {arg_type})\n.decl r(x: {arg_type}, y: {result_type})\n")
    engine.add_facts("t", [(v,) for v in values])
    try:
        engine.load_text(rule, name="rule.dl")
    except EvaluationError as exc:
        first = str(exc).splitlines()[0]
        return "error", first.split("evaluation failed", 1)[1].split(": ", 1)[1]
    return "ok", engine.relation("r")


def _agree(arg_type: str, values: list, rule: str, result_type: str) -> None:
    python = _run("python", arg_type, values, rule, result_type)
    duckdb = _run("duckdb", arg_type, values, rule, result_type)
    assert duckdb == python


DATES = ["2025-10-22", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "0033-03-04", " 2025-10-22 ",
         "\t2025-10-22\n", "\u30002025-10-22\u2028", "\x1c2025-10-22\x85"]
BAD_DATES = ["2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00", "0000-01-01",
             "10000-01-01", "2025-1-01", "2025-01-1", "+025-01-01", "-025-01-01", "2025/01/01", "2025-0a-01",
             "2025-'1-01", "soon", "", "   ", "2025-01-01 (BC)", "infinity", "epoch", "２０２５-01-01",
             "2025-01-01T00", "2025-10-2é", "20251022"]


def test_dates_read_as_the_python_engine_reads_them() -> None:
    _agree("symbol", DATES, "r(X, date(X)) :- t(X).", "date")


@pytest.mark.parametrize("text", BAD_DATES)
def test_a_bad_date_fails_with_the_python_engines_message(text: str) -> None:
    _agree("symbol", [text, "2025-10-22"], "r(X, date(X)) :- t(X).", "date")


@pytest.mark.parametrize("month, ok", [("2025-03", True), ("2024-03", True), ("2025-01", True),
                                       ("0001-01", False), ("2025-1", False), ("2025-13", False)])
def test_the_previous_month_of_the_rule_library(month: str, ok: bool) -> None:
    rule = 'r(M, substr(to_string(date(cat(M, "-01")) - 1), 0, 7)) :- t(M).'
    python = _run("python", "symbol", [month], rule, "symbol")
    assert (python[0] == "ok") == ok
    assert _run("duckdb", "symbol", [month], rule, "symbol") == python


@pytest.mark.parametrize("rule", ["r(D, D + N) :- t(D), N = 1.", "r(D, D - N) :- t(D), N = 1.",
                                  "r(D, D + 3000000000) :- t(D).", "r(D, D - 3000000000) :- t(D).",
                                  "r(D, D + 3652058) :- t(D).", "r(D, (D + 100) - 200) :- t(D)."])
@pytest.mark.parametrize("day", ["0001-01-01", "2024-02-28", "9999-12-31"])
def test_shifted_dates_and_their_range(rule: str, day: str) -> None:
    import datetime

    _agree("date", [datetime.date.fromisoformat(day)], rule, "date")


SUBSTRINGS = [("abc", 0, 2), ("abc", 3, 1), ("abc", 1, 10), ("abc", 0, 0), ("", 0, 0), ("héllo wörld", 1, 4),
              ("日本語", 2, 5), ("a😀b", 1, 1), ("abc", 4, 0), ("abc", -1, 1), ("abc", 1, -1), ("it's", 5, 1),
              ("", 1, 0), ("日本語", 4, 1)]


@pytest.mark.parametrize("text, start, length", SUBSTRINGS)
def test_substr_bounds_and_unicode(text: str, start: int, length: int) -> None:
    _agree("symbol", [text], f"r(X, substr(X, {start}, {length})) :- t(X).", "symbol")


@pytest.mark.parametrize("start, length", [(0, 4), (0, 7), (2, 3)])
def test_substr_of_a_date_as_the_library_takes_months(start: int, length: int) -> None:
    import datetime

    days = [datetime.date(2025, 10, 22), datetime.date(33, 1, 2), datetime.date(9999, 12, 31)]
    _agree("date", days, f"r(X, substr(to_string(X), {start}, {length})) :- t(X).", "symbol")


NUMBERS = ["42", "-7", "0", "+7", "007", "-0", " 12 ", "\t12\n", "\u300012", "0x1F", "-0X1f", "0b101",
           "9223372036854775807", "-9223372036854775808"]
BAD_NUMBERS = ["1e2", "1.0", "1_000", "", "abc", "٣", "it's", "0x", "- 1", "x" * 70]


def test_numbers_read_as_the_python_engine_reads_them() -> None:
    _agree("symbol", NUMBERS, "r(X, to_number(X)) :- t(X).", "number")
    _agree("symbol", [n for n in NUMBERS if not n.strip().startswith("-")], "r(X, to_unsigned(X)) :- t(X).",
           "unsigned")


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_a_bad_number_fails_with_the_python_engines_message(text: str) -> None:
    _agree("symbol", [text, "1"], "r(X, to_number(X)) :- t(X).", "number")


def test_a_negative_unsigned_fails_on_both() -> None:
    assert _run("python", "symbol", ["-3"], "r(X, to_unsigned(X)) :- t(X).", "unsigned")[0] == "error"
    assert _run("duckdb", "symbol", ["-3"], "r(X, to_unsigned(X)) :- t(X).", "unsigned")[0] == "error"


@pytest.mark.parametrize("rule", [
    "r(X, to_string((date(X) + 1) - 2)) :- t(X).",
    "r(X, substr(to_string(date(X) + 1), strlen(X) - 3, 2)) :- t(X).",
    "r(X, substr(cat(to_string(date(X) - 1), X), strlen(X) + 9, 9)) :- t(X).",
    "r(X, to_string(to_number(substr(to_string(date(X)), 0, 4)) + to_number(substr(X, 5, 2)))) :- t(X).",
    "r(X, to_string(days(date(X), date(X) + 365))) :- t(X).",
])
@pytest.mark.parametrize("text", ["2024-02-28", " 2025-12-31", "9999-12-31", "0001-01-01", "2025-02-30", "soon"])
def test_nested_applications_compute_an_argument_once_and_fail_alike(rule: str, text: str) -> None:
    _agree("symbol", [text], rule, "symbol")


SPARK_CASES = [
    ("symbol", ["2025-10-22", "2024-02-29", " 2025-10-22 ", "\t2025-10-22\n", "\u30002025-10-22"],
     "r(X, date(X)) :- t(X).", "date"),
    ("symbol", ["2025-02-29"], "r(X, date(X)) :- t(X).", "date"),
    ("symbol", ["soon"], "r(X, date(X)) :- t(X).", "date"),
    ("symbol", ["0000-01-01"], "r(X, date(X)) :- t(X).", "date"),
    ("symbol", ["2025-0a-01"], "r(X, date(X)) :- t(X).", "date"),
    ("symbol", ["42", "-7", "+7", "007", " 12 ", "\t12\n", "0x1F", "-0X1f", "0b101"], "r(X, to_number(X)) :- t(X).",
     "number"),
    ("symbol", ["it's"], "r(X, to_number(X)) :- t(X).", "number"),
    ("symbol", ["abc", "日本語"], "r(X, substr(X, 1, 2)) :- t(X).", "symbol"),
    ("symbol", ["ab"], "r(X, substr(X, 5, 1)) :- t(X).", "symbol"),
    ("symbol", ["2025-03", "2024-03"], 'r(M, substr(to_string(date(cat(M, "-01")) - 1), 0, 7)) :- t(M).', "symbol"),
    ("symbol", ["0001-01"], 'r(M, substr(to_string(date(cat(M, "-01")) - 1), 0, 7)) :- t(M).', "symbol"),
    ("symbol", ["2024-02-28", " 2025-12-31"], "r(X, substr(to_string(date(X) + 1), strlen(X) - 3, 2)) :- t(X).",
     "symbol"),
]


def test_the_forms_transpiled_to_spark_give_the_same_values_and_errors() -> None:
    """The same templates written in Spark's dialect (lambdas, casts and their round trips,
    Python's blanks in `trim`): the Python engine's values and messages."""
    pytest.importorskip("pyspark")
    from reasoner.errors import LoadError
    from reasoner.sql.spark_session import spark_session

    try:
        spark_session(None)
    except LoadError as exc:
        pytest.skip(f"Spark cannot start here: {str(exc).splitlines()[0]}")
    for case in SPARK_CASES:
        assert _run("spark", *case) == _run("python", *case), case
