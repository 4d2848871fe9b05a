"""`--backend`, `--database` and `--spark-master` on the command line, and what a database file
keeps between sessions (issue 15): the same answers, files and explanations as the Python
engine; bad choices are one clear diagnostic, never a traceback, and change nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reasoner.cli import main
from reasoner.engine import Engine
from reasoner.errors import CheckError

pytest.importorskip("duckdb")

PROGRAM = """\
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
edge(1, 2). edge(2, 3). edge(3, 4).
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
.output path
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's errors
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def program(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "paths.dl"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_query_run_and_explain_answer_alike(capsys, program, tmp_path):
    outputs = {}
    for backend in ("python", "duckdb"):
        query = run(capsys, "query", "--no-defaults", str(program), "-q", "path(1, X)", "--backend", backend)
        why = run(capsys, "explain", str(program), "--why", "path(1, 4)", "--backend", backend)
        whynot = run(capsys, "explain", str(program), "--whynot", "path(4, 1)", "--backend", backend)
        out = tmp_path / backend
        status, _, err = run(capsys, "run", str(program), "-D", str(out), "--backend", backend)
        assert status == 0, err
        outputs[backend] = (query, why, whynot, (out / "path.csv").read_text(encoding="utf-8"))
    assert outputs["duckdb"] == outputs["python"]
    assert outputs["duckdb"][0][0] == 0 and "(3 rows)" in outputs["duckdb"][0][1]
    assert "by path(X, Z) :- path(X, Y), edge(Y, Z)." in outputs["duckdb"][1][1]


def test_an_unknown_backend_is_refused_with_a_did_you_mean(capsys, program):
    status, out, err = run(capsys, "query", "--no-defaults", "-q", "edge(X, Y)", "--backend", "duckbd")
    assert status == 2 and not out
    assert ("reasoner query: error: argument --backend: unknown backend `duckbd`; did you mean `duckdb`? "
            "(choose python, duckdb or spark)") in err
    assert "Traceback" not in err


def test_options_of_another_backend_are_refused(capsys, program):
    status, _, err = run(capsys, "query", "--no-defaults", "-q", "edge(X, Y)", "--database", "x.duckdb")
    assert status == 2
    assert err == ("reasoner query: error: --database is for --backend duckdb "
                   "(the python backend has no database file)\n")
    status, _, err = run(capsys, "run", str(program), "--backend", "duckdb", "--spark-master", "spark://h:7077")
    assert status == 2 and "--spark-master is for --backend spark, not duckdb" in err
    assert not Path("x.duckdb").exists() and not Path("path.csv").exists()


def _refused(capsys, database: str) -> str:
    status, out, err = run(capsys, "query", "--no-defaults", "-q", "edge(X, Y)", "--backend", "duckdb",
                           "--database", database)
    assert status == 2 and not out and "Traceback" not in err
    return err


def test_a_database_that_cannot_be_opened_is_one_diagnostic(capsys, program, tmp_path):
    (tmp_path / "folder").mkdir()
    assert _refused(capsys, "folder") == (
        "error: cannot open the DuckDB database folder: it is a directory\n"
        "  hint: give the name of a database file in it, e.g. folder/reasoner.duckdb\n")
    (tmp_path / "notes.txt").write_text("not a database\n" * 100, encoding="utf-8")
    assert _refused(capsys, "notes.txt") == (
        "error: cannot open the DuckDB database notes.txt: the file exists but is not a DuckDB database\n"
        "  hint: give a new file name (DuckDB creates it) or the file of an earlier session\n")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "not a database\n" * 100  # untouched
    assert _refused(capsys, "no/such/dir.duckdb") == (
        "error: cannot open the DuckDB database no/such/dir.duckdb: the directory no/such does not exist\n"
        "  hint: create the directory first; DuckDB creates the database file itself\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may open any file")
def test_a_database_without_permission_is_one_diagnostic(capsys, program, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        assert "permission denied" in _refused(capsys, "locked/db.duckdb")
    finally:
        os.chmod(locked, 0o700)


def test_a_database_another_process_holds_is_one_diagnostic(capsys, program, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, duckdb
        connection = duckdb.connect("held.duckdb")
        print("open", flush=True)
        sys.stdin.read()
    """)], cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        err = _refused(capsys, "held.duckdb")
    finally:
        holder.communicate("")
    assert err.startswith(f"error: cannot open the DuckDB database held.duckdb: another process has it open "
                          f"(PID {holder.pid})\n")
    assert "close the other session, or copy the file and open the copy" in err


def test_a_database_file_keeps_imported_facts_between_sessions(tmp_path):
    database = tmp_path / "facts.duckdb"
    engine = Engine(backend="duckdb", database=database)
    engine.load_text(".decl edge(x: number, y: number)")
    engine.add_facts("edge", [(1, 2), (2, 3)])
    engine.close()

    engine = Engine(backend="duckdb", database=database)  # a new session: no rules loaded yet
    assert engine.relations() == {"edge": 2}
    assert engine.query("edge(1, X)") == [{"X": 2}]
    engine.load_text(".decl edge(x: number, y: number)\n.decl path(x: number, y: number)\n"
                     "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).")
    engine.add_facts("edge", [(3, 4)])
    assert engine.query("path(1, X)") == [{"X": 2}, {"X": 3}, {"X": 4}]
    engine.close()

    engine = Engine(backend="duckdb", database=database)
    assert engine.relation("edge") == {(1, 2), (2, 3), (3, 4)}
    engine.close()


def test_a_redeclared_stored_relation_of_other_types_is_an_error(tmp_path):
    database = tmp_path / "facts.duckdb"
    engine = Engine(backend="duckdb", database=database)
    engine.add_facts("edge", [(1, 2)])
    engine.close()
    engine = Engine(backend="duckdb", database=database)
    with pytest.raises(CheckError) as failed:  # the load adds nothing
        engine.load_text('.decl edge(x: symbol, y: symbol)\nedge("a", "b").')
    assert "relation `edge` is declared again with a different signature" in failed.value.render()
    assert engine.relation("edge") == {(1, 2)}
    engine.close()


def test_the_cli_keeps_a_database_between_runs(capsys, program):
    status, _, err = run(capsys, "query", "--no-defaults", str(program), "-q", "edge(1, X)",
                         "--backend", "duckdb", "--database", "graph.duckdb")
    assert status == 0, err
    status, out, err = run(capsys, "query", "--no-defaults", "-q", "edge(X, Y), X > 1",
                           "--backend", "duckdb", "--database", "graph.duckdb")
    assert status == 0, err
    assert "(2 rows)" in out


def test_check_reports_what_a_backend_cannot_run(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("ord.dl").write_text('.decl s(x: symbol)\ns("a").\n.decl o(n: number)\no(ord(X)) :- s(X).\n',
                              encoding="utf-8")
    assert run(capsys, "check", "ord.dl") == (0, "1 path checked: 0 errors, 0 warnings\n", "")
    status, out, err = run(capsys, "check", "ord.dl", "--backend", "duckdb")
    assert (status, out) == (1, "1 path checked: 1 error, 0 warnings\n")
    assert err.startswith("ord.dl:4:3: error: the DuckDB backend cannot run the functor ord: ")
    assert '  hint: run this program on the Python engine (backend="python")' in err


def test_a_backend_whose_extra_is_missing_is_one_diagnostic(capsys, program, monkeypatch):
    import reasoner

    monkeypatch.setattr(reasoner, "sql", reasoner.sql)  # re-importing below rebinds it: put it back after
    for module in [name for name in sys.modules if name == "sqlglot" or name.startswith(("sqlglot.", "reasoner.sql"))]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, "sqlglot", None)  # as if `pip install reasoner` without the extra
    status, out, err = run(capsys, "query", "--no-defaults", str(program), "-q", "path(1, X)", "--backend", "duckdb")
    assert (status, out) == (2, "")
    assert err == ("error: the duckdb backend needs the `sqlglot` package, which is not installed\n"
                   "  hint: pip install 'reasoner-events[duckdb]'\n")
