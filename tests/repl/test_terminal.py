"""The real REPL in a terminal: completion, multi-line input, history across two sessions and
Ctrl-C during an evaluation that would run for minutes.

The REPL runs as a child process on a pseudo-terminal (Python's `pty` module; skipped where
there is none). Output is read with timeouts and matched after removing terminal escape codes.
"""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
if sys.platform.startswith("win"):
    pytest.skip("no pseudo-terminals on Windows", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0
_ESCAPES = re.compile(r"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A child process on a pty, read and written like a user at a terminal would."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, *argv], env)
        self.pid, self.fd = pid, fd
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 220, 0, 0))
        self.raw = ""
        self.mark = 0  # where the next `expect` starts looking
        self.status: int | None = None

    @property
    def text(self) -> str:
        return _ESCAPES.sub("", self.raw)

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.1))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the child closed the terminal
                    return
                if not data:
                    return
                self.raw += data.decode("utf-8", "replace")

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> str:
        """Wait until `pattern` (a regex) shows up after the mark; move the mark past it."""
        end = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.text, self.mark)
            if match:
                self.mark = match.end()
                return match.group()
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {pattern!r}; the terminal shows:\n"
                                     + self.text[-3000:])
            self.read(0.2)

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())
        time.sleep(0.05)

    def wait(self, timeout: float = TIMEOUT) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        raise AssertionError("the REPL did not exit; it shows:\n" + self.text[-2000:])

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


@pytest.fixture
def environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPT_TOOLKIT", "XDG_"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""), COLUMNS="220", LINES="50")
    return env


PROMPT = r"reasoner>"


def test_completion_multiline_history_and_interrupt(environment, tmp_path):
    repl = Terminal(["-m", "reasoner.cli", "repl", "--no-defaults", "corpus"], environment)
    try:
        repl.expect(r"Ctrl-D leaves")
        repl.expect(PROMPT)

        # Tab completes a command, then an actor id, and runs.
        repl.send(":tim\t")
        repl.expect(r":timeline")
        repl.send(" RU\t")
        repl.expect(r"RUS")
        repl.send(" USA\r")
        repl.expect(r"unfriendly_act .*\| RUS .*\| criticize")
        repl.expect(PROMPT)

        # ... a relation name and an event id inside a string.
        repl.send("?- respo\t")
        repl.expect(r"responds_to")
        repl.send('("unfr\t')
        repl.expect(r'"unfriendly_act"')
        repl.send(", S).\r")
        # (a column of event ids shows each with its date, actor, verb and target)
        repl.expect(r"S\s*\n-+\nus_oil_sanctions \(2025-10-22 USA impose_sanctions RUS[^)\n]*\)\n\(1 row\)")
        repl.expect(PROMPT)

        # Multi-line input: `.` inside a string or a comment does not end the statement.
        repl.send('?- event(E, D, _, "RUS", V, "USA"), V = "criticize", "a." != "b.", // c.\r')
        repl.expect(r"\.\.\.>")
        repl.send("D >= 2025-10-26.\r")
        # (the corpus may hold other criticism of that day: only this row is required)
        repl.expect(r"E +\| D +\| V\n-+\+.*\n(?:.*\n)*?unfriendly_act +\| 2025-10-26 +\| criticize\n(?:.*\n)*?\(\d+ rows?\)")
        repl.expect(PROMPT)

        # Ctrl-C during an evaluation that would take minutes; the session stays as it was.
        repl.send(".decl p(x: number)\r")
        repl.expect(r"added 1 declaration")
        repl.send("p(0).\r")
        repl.expect(r"added 1 fact")
        repl.expect(PROMPT)
        repl.send("p(X + 1) :- p(X), X < 100000000.\r")
        repl.expect(r"X < 100000000\.\n")  # accepted: the evaluation runs
        repl.read(4.0)
        assert not re.search(PROMPT, repl.text[repl.mark:]), "the evaluation ended early"
        repl.send("\x03")
        repl.expect(r"interrupted after [0-9.]+ s; the session is unchanged")
        repl.expect(PROMPT)
        repl.send("?- p(X).\r")
        repl.expect(r"X\n-\n0\n\(1 row\)")
        repl.expect(PROMPT)
        repl.send(":rules p\r")
        repl.expect(r"no rules derive `p`")
        repl.expect(PROMPT)

        repl.send("\x04")  # Ctrl-D
        assert repl.wait() == 0
    finally:
        repl.close()

    history = (tmp_path / "data" / "reasoner" / "history").read_text(encoding="utf-8")
    assert "+:timeline RUS USA" in history
    assert '+?- event(E, D, _, "RUS", V, "USA")' in history and "+D >= 2025-10-26." in history

    # A second session finds the first one's input under the Up arrow.
    repl = Terminal(["-m", "reasoner.cli", "repl", "--no-defaults"], environment)
    try:
        repl.expect(PROMPT)
        repl.send("\x1b[A")  # Up
        repl.expect(r":rules p")
        repl.send("\r")
        repl.expect(r"no relation named `p`")
        repl.expect(PROMPT)
        repl.send("\x04")
        assert repl.wait() == 0
    finally:
        repl.close()
