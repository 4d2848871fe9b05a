"""Starting (or joining) the SparkSession the Spark backend runs on, with a diagnostic for
each thing that can be missing, never a Py4J traceback.

- pyspark not installed: how to install the `spark` extra;
- no Java: `JAVA_HOME` set to a folder without `bin/java`, or no `java` on the PATH;
- a `spark://host:port` master that does not answer (a standalone cluster): refused before
  Spark starts, which would otherwise wait for the master in the background and never run a
  job; any other master Spark cannot start on (a malformed URL, YARN without its
  configuration) is reported with Spark's own first line.

One SparkContext per process (Spark's rule): every Spark engine of the process shares it, each
in a session of its own (`SparkSession.newSession`), so temporary views, the tables of one
engine, are never seen by another. A context already running on another master is reported
rather than silently reused.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from reasoner.errors import LoadError, error

LOCAL_MASTER = "local[2]"

# The settings the backend's semantics rest on: ANSI mode makes 64-bit overflow, division by
# zero and failed casts errors (as on DuckDB) rather than wrapped values or NULLs.
SESSION_SETTINGS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parser.escapedStringLiterals": "false",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",  # "name" is a table, as in DuckDB's dialect
    # Constraint inference fails on some unions of the rule library (Spark 4.x: `key not found`
    # in Union.rewriteConstraints); the rules gain nothing from it
    "spark.sql.constraintPropagation.enabled": "false",
}
_CONTEXT_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
}
_INSTALL = "install the Spark extra: pip install 'reasoner-events[spark]' (pyspark 4, which needs Java 17 or 21)"
_JAVA = ("install Java 17 (e.g. `apt-get install openjdk-17-jre-headless`, or a JDK from adoptium.net) "
         "and put `java` on the PATH or set JAVA_HOME to its folder")


def spark_session(master: str | None) -> Any:
    """The shared SparkSession on `master` (None: `local[2]`, two cores of this machine)."""
    wanted = master or LOCAL_MASTER
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise LoadError(error("the Spark backend needs pyspark, which is not installed", None, _INSTALL)) from None
    _check_master(wanted)
    from pyspark import SparkContext

    running = SparkContext._active_spark_context  # the process's context (one at most), if started
    if running is not None:
        if master is not None and running.master != master:
            raise LoadError(error(f"this process already runs Spark on {running.master}; it cannot also use {master}",
                                  None, "one Spark master per process: start another process for another master"))
        return SparkSession(running)
    _check_java()
    logging_file = Path(__file__).with_name("spark_log4j2.properties")
    builder = (SparkSession.builder.master(wanted).appName("reasoner")
               .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{logging_file}"))
    for key, value in {**_CONTEXT_SETTINGS, **SESSION_SETTINGS}.items():
        builder = builder.config(key, value)
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)  # errors become diagnostics
    try:
        with warnings.catch_warnings():  # pyspark's own about its pandas versions: not the user's
            warnings.simplefilter("ignore", FutureWarning)
            session = builder.getOrCreate()
    except Exception as exc:  # Py4J, Java or Spark errors alike: report their first line
        raise LoadError(error(f"Spark could not start on {wanted}: {first_line(exc)}", None,
                              "check the master URL (local[N], spark://host:port, yarn, k8s://...) "
                              "and that the cluster is up")) from None
    session.sparkContext.setLogLevel("OFF")  # failures are reported as diagnostics
    return session


def _check_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if not java.is_file():
            raise LoadError(error(f"the Spark backend needs Java, but JAVA_HOME ({home}) has no bin/java", None,
                                  _JAVA))
        return
    if shutil.which("java") is None:
        raise LoadError(error("the Spark backend needs Java, and there is no `java` on the PATH "
                              "(nor JAVA_HOME)", None, _JAVA))


def _check_master(master: str) -> None:
    """A standalone master (`spark://host:port[,host:port]`) must accept a connection."""
    if not master.startswith("spark://"):
        return
    problems = []
    for address in master[len("spark://"):].split(","):
        parsed = urlparse(f"spark://{address}")
        host, port = parsed.hostname, parsed.port or 7077
        if not host:
            raise LoadError(error(f"cannot read the Spark master URL {master}", None,
                                  "a standalone master is spark://host:port"))
        try:
            with socket.create_connection((host, port), timeout=5):
                return
        except OSError as exc:
            problems.append(f"{host}:{port}: {exc.strerror or exc}")
    raise LoadError(error(f"cannot reach the Spark master {master} ({'; '.join(problems)})", None,
                          "start the master (sbin/start-master.sh) or check the URL and the firewall; "
                          "without --spark-master the Spark backend runs locally"))


def first_line(exc: BaseException) -> str:
    """An exception's message, first line, without Java's class name in front."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    for marker in (": java.", ": org.apache."):
        if marker in line and line.startswith("An error occurred"):
            line = line.split(marker, 1)[1]
    return line
