"""The Spark backend before Spark runs: what a user sees when pyspark, Java or the cluster is
missing (a diagnostic saying what and how to fix it, never a Py4J traceback), and the RE2 to
Java translation of `match` patterns (`spark_dialect.java_pattern`). Nothing here starts Spark."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("sqlglot")

from reasoner import Engine  # noqa: E402
from reasoner.errors import LoadError  # noqa: E402
from reasoner.functors import TABLE, Unsupported  # noqa: E402
from reasoner.sql.expressions import Unexpressible, _template  # noqa: E402
from reasoner.sql.spark_dialect import DIALECT, java_pattern  # noqa: E402


@pytest.fixture
def no_running_spark(monkeypatch):
    """As in a fresh process: no SparkContext started yet (another test module may have one)."""
    pyspark = pytest.importorskip("pyspark")
    monkeypatch.setattr(pyspark.SparkContext, "_active_spark_context", None)


def test_pyspark_missing_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(LoadError) as raised:
        Engine(backend="spark")
    text = str(raised.value)
    assert "the Spark backend needs pyspark, which is not installed" in text
    assert "pip install 'reasoner-events[spark]'" in text


def test_java_home_without_java_is_named(monkeypatch, tmp_path, no_running_spark):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(LoadError) as raised:
        Engine(backend="spark")
    text = str(raised.value)
    assert f"JAVA_HOME ({tmp_path}) has no bin/java" in text
    assert "install Java 17" in text


def test_no_java_on_the_path_is_named(monkeypatch, tmp_path, no_running_spark):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LoadError) as raised:
        Engine(backend="spark")
    assert "there is no `java` on the PATH" in str(raised.value)


def test_an_unreachable_master_is_refused_before_spark_starts(no_running_spark):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LoadError) as raised:
        Engine(backend="spark", spark_master=f"spark://127.0.0.1:{port}")
    text = str(raised.value)
    assert f"cannot reach the Spark master spark://127.0.0.1:{port}" in text
    assert "start the master" in text


@pytest.mark.parametrize("re2, java", [
    ("b.*", "b[^\\n]*"),
    (".*[0-9].*", "[^\\n]*[0-9][^\\n]*"),
    ("a\\sb", "a[\\t\\n\\f\\r ]b"),
    ("[\\s,]+", "[\\t\\n\\f\\r ,]+"),
    ("(?:ab|cd){2,3}$", "(?:ab|cd){2,3}\\z"),
    ("[]a]", "[\\]a]"),
])
def test_patterns_both_read_alike_are_translated(re2, java):
    assert java_pattern(re2) == java


@pytest.mark.parametrize("re2, reason", [
    ("a\\bc", "the escape `\\b`"),
    ("(?i)abc", "groups with flags"),
    ("[[:alpha:]]", "`[` inside a character class"),
    ("[a&&b]", "`&&` inside a character class"),
    ("\\pL+", "the escape `\\p`"),
    ("a{,3}", "not a repetition count"),
    ("(ab", "unbalanced"),
])
def test_patterns_read_differently_are_refused_with_the_reason(re2, reason):
    with pytest.raises(ValueError) as raised:
        java_pattern(re2)
    assert reason in str(raised.value)


@pytest.mark.parametrize("name", [f.name for f in TABLE])
def test_every_functor_is_written_in_spark_sql_or_refused(name):
    """No DuckDB-only function reaches Spark: each form is translated or `Unexpressible`."""
    functor = next(f for f in TABLE if f.name == name)
    for first in ("number", "unsigned", "float", "symbol", "date"):
        arg_types = [first] + ["number"] * (functor.arity[0] - 1)
        try:
            result = functor.result(arg_types)
        except TypeError:
            continue
        form = functor.sql(arg_types, result) if callable(functor.sql) else functor.sql
        if form is None or isinstance(form, Unsupported):
            continue
        try:
            text = _template(form, functor.arity[0]).sql(dialect=DIALECT).upper()
        except Unexpressible as exc:
            assert exc.reason
            continue
        for duckdb_only in ("REGEXP_FULL_MATCH", "ERROR(", "FSUM(", "PRINTF(", "REGEXP_MATCHES"):
            assert duckdb_only not in text.replace("RAISE_ERROR(", ""), f"{name} ({first}): {text}"


def test_what_else_spark_raises_is_a_diagnostic_not_a_java_stack_trace():
    """Spark running out of memory (a broadcast join too large for the driver) is reported by its
    cause with a hint; an exception of ours stays an exception (a fault to see, not to hide)."""
    from reasoner.sql.spark_backend import SparkBackend

    class Py4JJavaError(Exception):
        pass

    Py4JJavaError.__module__ = "py4j.protocol"
    raised = Py4JJavaError("An error occurred while calling o5183.localCheckpoint.\n"
                           ": org.apache.spark.SparkException: Not enough memory to build and broadcast the "
                           "table to all worker nodes. As a workaround, you can either disable broadcast\n"
                           "\tat org.apache.spark.sql.errors.QueryExecutionErrors$.notEnough(Q.scala:2180)")
    message = SparkBackend.describe_error(None, raised)  # type: ignore[arg-type]
    assert message is not None and message.startswith("Not enough memory to build and broadcast the table")
    assert "spark.driver.memory" in message and "QueryExecutionErrors" not in message
    assert SparkBackend.describe_error(None, KeyError("ours")) is None  # type: ignore[arg-type]
