"""Files, interrupts and closed pipes handled safely (issue 19): atomic outputs, bounded and
sandboxed reads, an interrupt-safe commit, and a command line without tracebacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reasoner.commit
import reasoner.evaluate
from reasoner import Engine, LoadError, ReasonerError
from reasoner.cli import main
from reasoner.repl import run_repl

ROOT = Path(__file__).resolve().parents[1]


def reasoner_process(*args: str, cwd: Path, **options) -> subprocess.Popen:
    """`reasoner ARGS` as a child process (the checkout first on its path)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-m", "reasoner.cli", *args], cwd=cwd, env=env, **options)


# ---- atomic outputs ------------------------------------------------------------------------

TWO_OUTPUTS = """
.decl a(x: number)
.decl b(x: number)
a(1). a(2). b(3).
.output a
.output b
"""


def test_a_run_whose_second_output_cannot_be_written_leaves_the_first_untouched(tmp_path, capsys):
    program = tmp_path / "two.dl"
    program.write_text(TWO_OUTPUTS, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old a\n", encoding="utf-8")
    (out / "b.csv").mkdir()  # b cannot be written
    assert main(["run", str(program), "-D", str(out)]) == 1
    assert "b.csv" in capsys.readouterr().err
    assert (out / "a.csv").read_text(encoding="utf-8") == "old a\n"
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"]  # no temporary file left


def test_a_value_that_cannot_be_printed_names_the_relation_and_keeps_the_old_file(tmp_path, capsys):
    program = tmp_path / "huge.dl"
    program.write_text(".decl p(x: number)\np(1).\n.output p\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "p.csv").write_text("previous\n", encoding="utf-8")
    engine = Engine()
    engine.load(program)
    huge = [(10 ** 5000,)]  # as a runaway program could derive it
    outputs = [(d, s, set(huge)) for d, s, _ in engine.outputs()]
    from reasoner.facts_io import write_outputs

    with pytest.raises(LoadError) as caught:
        write_outputs(outputs, out)
    message = str(caught.value)
    assert "`p`" in message and "cannot be printed" in message
    assert "invalid output file name" not in message
    assert (out / "p.csv").read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in out.iterdir()] == ["p.csv"]


def test_outputs_replace_files_and_keep_their_permissions(tmp_path):
    program = tmp_path / "two.dl"
    program.write_text(TWO_OUTPUTS, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old\n", encoding="utf-8")
    os.chmod(out / "a.csv", 0o640)
    assert main(["run", str(program), "-D", str(out)]) == 0
    assert (out / "a.csv").read_text(encoding="utf-8") == "1\n2\n"
    assert (out / "b.csv").read_text(encoding="utf-8") == "3\n"
    assert (os.stat(out / "a.csv").st_mode & 0o777) == 0o640


def test_an_output_named_as_a_device_is_written_into_not_replaced(tmp_path, capsys):
    program = tmp_path / "dev.dl"
    program.write_text('.decl a(x: number)\na(1).\n.output a(filename="/dev/null")\n', encoding="utf-8")
    assert main(["run", str(program), "-D", str(tmp_path)]) == 0
    assert Path("/dev/null").is_char_device()


def test_save_writes_atomically_and_says_what_failed(tmp_path):
    script = tmp_path / "script"
    script.write_text("p(1).\n:save /dev/full\n", encoding="utf-8")
    import io

    out = io.StringIO()
    with script.open(encoding="utf-8") as stdin:
        run_repl([], defaults=False, stdin=stdin, stdout=out)
    text = out.getvalue()
    assert "cannot write /dev/full: No space left on device" in text
    assert "None" not in text


def test_save_into_a_missing_directory_changes_nothing(tmp_path):
    import io

    target = tmp_path / "saved.dl"
    target.write_text("// before\n", encoding="utf-8")
    script = tmp_path / "script"
    script.write_text(f'p(1).\nactor XYZ "Xyzland"\n\n:save {target}\n', encoding="utf-8")
    events = tmp_path / "saved.events"
    events.mkdir()  # the events file cannot be written: neither is
    out = io.StringIO()
    with script.open(encoding="utf-8") as stdin:
        run_repl([], defaults=False, stdin=stdin, stdout=out)
    assert "nothing was saved" in out.getvalue()
    assert target.read_text(encoding="utf-8") == "// before\n"


# ---- the commit is interrupt-safe --------------------------------------------------------------


@pytest.fixture
def ctrl_c_raises():
    """SIGINT handled by Python's default handler (KeyboardInterrupt), whatever ran before."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_right_after_an_update_leaves_relations_and_base_facts_consistent(monkeypatch, ctrl_c_raises):
    """SIGINT arriving after `update` changed relations in place but before the new state
    is assigned: the engine must not keep relations that its base facts do not explain."""
    engine = Engine()
    engine.load_text(".decl edge(x: number, y: number)\n.decl path(x: number, y: number)\n"
                     "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n")
    engine.add_facts("edge", [(i, i + 1) for i in range(50)])
    real_update = reasoner.commit.update

    def update_then_interrupt(*args, **kwargs):
        result = real_update(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C just after the in-place changes
        return result

    monkeypatch.setattr(reasoner.commit, "update", update_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        engine.add_facts("edge", [(50, 51)])
    monkeypatch.undo()
    seen = {name: engine.relation(name) for name in ("edge", "path")}
    engine.load_text(".decl unrelated(x: number)\n")  # evaluates everything afresh from the base facts
    assert {name: engine.relation(name) for name in ("edge", "path")} == seen


def test_an_interrupt_during_an_update_undoes_it(monkeypatch, ctrl_c_raises):
    engine = Engine()
    engine.load_text(".decl edge(x: number, y: number)\n.decl path(x: number, y: number)\n"
                     "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n")
    engine.add_facts("edge", [(i, i + 1) for i in range(50)])
    before = engine.relation("path")
    real_run = reasoner.evaluate.Fixpoint.run
    calls = []

    def run_and_interrupt(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            signal.raise_signal(signal.SIGINT)
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(reasoner.evaluate.Fixpoint, "run", run_and_interrupt)
    with pytest.raises(KeyboardInterrupt):
        engine.add_facts("edge", [(50, 51)])
    monkeypatch.undo()
    assert engine.relation("path") == before
    assert (50, 51) not in engine.relation("edge")


# ---- the command line ------------------------------------------------------------------------


def test_run_on_a_directory_is_an_error(tmp_path, capsys):
    (tmp_path / "prog.dl").mkdir()
    assert main(["run", str(tmp_path / "prog.dl"), "-D", "-"]) == 1
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "query"])
def test_a_symlink_loop_is_a_diagnostic(tmp_path, capsys, command):
    (tmp_path / "a.dl").symlink_to(tmp_path / "b.dl")
    (tmp_path / "b.dl").symlink_to(tmp_path / "a.dl")
    argv = (["run", str(tmp_path / "a.dl"), "-D", "-"] if command == "run"
            else ["query", "--no-defaults", str(tmp_path / "a.dl"), "-q", "p(X)"])
    assert main(argv) == (1 if command == "run" else 2)
    err = capsys.readouterr().err
    assert "a.dl" in err and "symbolic links" in err and "Traceback" not in err


def test_a_symlink_loop_in_an_include_is_a_diagnostic(tmp_path):
    (tmp_path / "a.dl").symlink_to(tmp_path / "b.dl")
    (tmp_path / "b.dl").symlink_to(tmp_path / "a.dl")
    (tmp_path / "main.dl").write_text('#include "a.dl"\n', encoding="utf-8")
    with pytest.raises(ReasonerError) as caught:
        Engine().load(tmp_path / "main.dl")
    assert "cannot include `a.dl`" in str(caught.value)


def test_an_input_from_dev_zero_is_a_diagnostic(tmp_path):
    engine = Engine(fact_dir=tmp_path)
    with pytest.raises(LoadError) as caught:
        engine.load_text('.decl r(x: symbol)\n.input r(filename="/dev/zero")\n', name="zero.dl")
    diagnostic = caught.value.diagnostics[0]
    assert "not a regular file" in diagnostic.message
    assert (diagnostic.file, diagnostic.line) == ("zero.dl", 2)


def test_a_fifo_as_input_does_not_wait(tmp_path):
    os.mkfifo(tmp_path / "r.facts")
    with pytest.raises(LoadError, match="not a regular file"):
        Engine(fact_dir=tmp_path).load_text(".decl r(x: symbol)\n.input r\n")


def test_a_fact_file_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("reasoner.files.MAX_INPUT_BYTES", 1000)
    (tmp_path / "r.facts").write_text("x\n" * 600, encoding="utf-8")
    with pytest.raises(LoadError, match="larger than 1,000 bytes"):
        Engine(fact_dir=tmp_path).load_text(".decl r(x: symbol)\n.input r\n")


def test_an_empty_number_field_is_a_diagnostic_with_its_column(tmp_path):
    (tmp_path / "r.facts").write_text("x\t\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        Engine(fact_dir=tmp_path).load_text(".decl r(a: symbol, b: number)\n.input r\n")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.file.endswith("r.facts") and (diagnostic.line, diagnostic.column) == (1, 3)
    assert "empty field is not a number" in diagnostic.message


@pytest.mark.parametrize("column_type, text", [
    ("number", "\u0663"), ("number", "\u0661\u0662"), ("unsigned", "\u0663"), ("float", "\u0663.5"),
    ("number", "1_000"), ("date", "\u0662\u0660\u0662\u0665-01-01"),
])
def test_fact_files_read_ascii_digits_only(tmp_path, column_type, text):
    (tmp_path / "r.facts").write_text(f"{text}\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        Engine(fact_dir=tmp_path).load_text(f".decl r(a: {column_type})\n.input r\n")
    assert (caught.value.diagnostics[0].line, caught.value.diagnostics[0].column) == (1, 1)


def test_a_byte_order_mark_starting_a_fact_file_is_skipped(tmp_path):
    (tmp_path / "r.facts").write_bytes("\ufeffx\t1\ny\t2\n".encode("utf-8"))
    engine = Engine(fact_dir=tmp_path)
    engine.load_text(".decl r(a: symbol, b: number)\n.input r\n")
    assert engine.relation("r") == {("x", 1), ("y", 2)}


def test_an_unterminated_comment_is_named_at_its_start():
    with pytest.raises(ReasonerError) as caught:
        Engine().load_text('.decl p(x: number)\np(1).\np(X) :- X = 2 /* never closed\n\np(3).\n', name="c.dl")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.message == "unterminated comment in rule text"
    assert (diagnostic.line, diagnostic.column) == (3, 15)


def test_a_one_megabyte_string_parses_in_bounded_memory():
    import tracemalloc

    from reasoner.source import SourceText
    from reasoner.syntax import parse_program

    parse_program(SourceText("warm.dl", 'p("x").'))  # the parser is built outside the measure
    text = '.decl p(x: symbol)\np("' + "x" * 1_000_000 + '").\n/* ' + "y" * 1_000_000 + " */\n"
    tracemalloc.start()
    try:
        parse_program(SourceText("long.dl", text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000  # was 600 MB: the string pattern's group repeated per character


# ---- interrupts and closed pipes in child processes ------------------------------------------

SLOW = ".decl n(x: number)\nn(0).\nn(X + 1) :- n(X), X < 100000000.\n.output n\n"


def wait_for_cpu_seconds(pid: int, seconds: float, timeout: float = 60.0) -> None:
    """Wait until process `pid` has used `seconds` of CPU time (a loaded machine slows its
    imports down: a fixed sleep could interrupt it before the command starts)."""
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:  # utime + stime
            return
        time.sleep(0.05)


@pytest.mark.parametrize("command", ["run", "query"])
def test_ctrl_c_gives_one_line_and_status_130(tmp_path, command):
    (tmp_path / "slow.dl").write_text(SLOW, encoding="utf-8")
    args = (["run", "slow.dl", "-D", "-"] if command == "run"
            else ["query", "--no-defaults", "slow.dl", "-q", "n(X)"])
    child = reasoner_process(*args, "--max-tuples", "none", cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_cpu_seconds(child.pid, 1.5)  # past the imports, into the evaluation
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert err.decode().strip() == "reasoner: interrupted"


BIG = ".decl n(x: number)\nn(0).\nn(X + 1) :- n(X), X < 20000.\n.output n\n"


@pytest.mark.parametrize("args, stdin", [
    (["query", "--no-defaults", "big.dl", "-q", "n(X)"], None),
    (["explain", "big.dl", "--why", "n(1000)"], None),
    (["run", "big.dl", "-D", "-"], None),
    (["repl", "--no-defaults", "big.dl"], "?- n(X).\n?- n(X).\n"),
])
def test_a_closed_pipe_ends_quietly(tmp_path, args, stdin):
    (tmp_path / "big.dl").write_text(BIG, encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as after `| head -0`
    try:
        child = reasoner_process(*args, cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE,
                                 stdin=subprocess.PIPE)
    finally:
        os.close(write_end)
    _, err = child.communicate(stdin.encode() if stdin else b"", timeout=120)
    assert err.decode() == ""
    assert child.returncode == 141  # 128 + SIGPIPE, as a shell reports `yes | head`


def test_query_keeps_1_for_no_answers_and_2_for_errors(tmp_path, capsys):
    (tmp_path / "p.dl").write_text(".decl p(x: number)\np(1).\n", encoding="utf-8")
    assert main(["query", "--no-defaults", str(tmp_path / "p.dl"), "-q", "p(2)"]) == 1
    assert main(["query", "--no-defaults", str(tmp_path / "p.dl"), "-q", "p(X"]) == 2
    assert main(["query", "--no-defaults", str(tmp_path / "missing.dl"), "-q", "p(X)"]) == 2


# ---- sandbox mode ------------------------------------------------------------------------------


@pytest.fixture
def jail(tmp_path):
    """An allowed directory with rules and facts, and a secret file next to it."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "r.facts").write_text("a\n", encoding="utf-8")
    (allowed / "common.dl").write_text(".decl r(x: symbol)\n", encoding="utf-8")
    (tmp_path / "secret.dl").write_text("SECRET LINE )(\n", encoding="utf-8")
    (tmp_path / "secret.facts").write_text("SECRET\tVALUE\tZZ\n", encoding="utf-8")
    return allowed


def sandboxed(allowed: Path) -> Engine:
    return Engine(sandbox=True, allowed_dirs=[allowed], fact_dir=allowed)


def test_a_sandbox_reads_inside_its_directories(jail):
    engine = sandboxed(jail)
    engine.load_text(f'#include "{jail}/common.dl"\n.input r\n')
    assert engine.relation("r") == {("a",)}


@pytest.mark.parametrize("program", [
    '#include "../secret.dl"\n',
    '#include "{root}/secret.dl"\n',
    '#include "{jail}/../secret.dl"\n',
    '#include "{jail}/link.dl"\n',
    '.decl s(x: symbol)\n.input s(filename="../secret.facts")\n',
    '.decl s(x: symbol)\n.input s(filename="{root}/secret.facts")\n',
    '.decl s(x: symbol)\n.input s(filename="link.facts")\n',
    '.decl s(x: symbol)\n.input s(filename="/etc/passwd")\n',
    '.decl s(x: symbol)\n.input s(filename="/dev/zero")\n',
])
def test_a_sandbox_refuses_files_outside_and_quotes_none(jail, program, monkeypatch):
    monkeypatch.chdir(jail)
    (jail / "link.dl").symlink_to(jail.parent / "secret.dl")
    (jail / "link.facts").symlink_to(jail.parent / "secret.facts")
    engine = sandboxed(jail)
    with pytest.raises(ReasonerError) as caught:
        engine.load_text(program.format(root=jail.parent, jail=jail), name="untrusted.dl")
    rendered = str(caught.value)
    assert "outside the allowed directories" in rendered
    assert "SECRET" not in rendered and "root:" not in rendered
    assert engine.relations() == {}


def test_a_sandbox_refuses_loading_paths_outside(jail):
    engine = sandboxed(jail)
    with pytest.raises(LoadError, match="outside the allowed directories"):
        engine.load(jail.parent / "secret.dl")


def test_a_sandbox_writes_outputs_inside_only(jail, tmp_path):
    out = jail / "out"
    out.mkdir()
    engine = sandboxed(jail)
    engine.load_text('.decl p(x: number)\np(1).\n.output p\n.output p(filename="../../escaped.csv")\n')
    with pytest.raises(LoadError, match="outside the allowed directories"):
        engine.write_outputs(out)
    assert not (tmp_path / "escaped.csv").exists() and not (out / "p.csv").exists()
    engine = sandboxed(jail)
    engine.load_text('.decl p(x: number)\np(1).\n.output p\n')
    engine.write_outputs(out)
    assert (out / "p.csv").read_text(encoding="utf-8") == "1\n"


def test_allowed_dirs_need_the_sandbox(tmp_path):
    with pytest.raises(ValueError):
        Engine(allowed_dirs=[tmp_path])


def test_an_output_directory_that_is_a_file_is_an_error(tmp_path, capsys):
    (tmp_path / "p.dl").write_text(".decl p(x: number)\np(1).\n.output p\n", encoding="utf-8")
    (tmp_path / "out").write_text("a file\n", encoding="utf-8")
    assert main(["run", str(tmp_path / "p.dl"), "-D", str(tmp_path / "out")]) == 1
    assert "cannot create the output directory" in capsys.readouterr().err
