"""The README cannot drift: every example in it that shows what it prints is run, and what it
prints is compared with what the README shows (issue 17).

Each fenced block of README.md is one of:

- a shell session, lines `$ command` each followed by its output (stdout and stderr together);
  a `$ reasoner repl ...` followed by `reasoner>` lines gets those inputs on stdin;
- a REPL session, lines `reasoner> input` (and `...> ` continuations) each followed by the answer,
  run as `reasoner repl` on the shipped rules and corpus with the inputs on stdin;
- a Python block: run; what each `print(...)` prints is compared with the `# ` comment lines that
  follow it, else with the comment at the end of its line;
- a diagnostic (`file:line:column: error: ...`): `reasoner check` of the file(s) named by a
  `<!-- readme-test: file NAME ... -->` marker must print it;
- a Soufflé (`prolog`) block: loaded into an engine, which must accept it; a comment that is a
  fact (`// due(2025-09-02)`) must hold;
- anything else must be marked `<!-- readme-test: skip: WHY -->` right above its fence, WHY
  saying why it is illustrative (not run; not a pytest skip either, it is simply not collected);
  a block neither runnable nor marked fails the test.

Markers sit on the lines right above a fence: `<!-- readme-test: copy PATH -->` copies a file of
the repository into the folder the block runs in. Commands run in a fresh temporary folder, with
`reasoner` the checkout's command line. What is compared: each line with trailing blanks
removed; a line `...` in the README stands for any number of lines (an elided part of a long
answer).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"<!-- readme-test: (\w+)(?::? ?)(.*?)-->", re.S)
DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (error|warning): ")
PROMPT = "reasoner> "
CONTINUATION = re.compile(r"^ +\.\.\.> ")


@attrs.frozen
class Block:
    line: int  # of the opening fence
    language: str
    text: str
    markers: tuple[tuple[str, str], ...]  # (kind, argument)

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"

    def marked(self, kind: str) -> list[str]:
        return [argument for k, argument in self.markers if k == kind]


def read_blocks(text: str) -> list[Block]:
    lines = text.split("\n")
    blocks = []
    number = 0
    while number < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[number])
        if not fence:
            number += 1
            continue
        end = number + 1
        while not lines[end].startswith("```"):
            end += 1
        blocks.append(Block(number + 1, fence.group(1), "\n".join(lines[number + 1:end]),
                            _markers(lines, number)))
        number = end + 1
    return blocks


def _markers(lines: list[str], fence: int) -> tuple[tuple[str, str], ...]:
    """The `<!-- readme-test: ... -->` comments right above line `fence` (each may span lines)."""
    found = []
    end = fence - 1
    while end >= 0 and lines[end].rstrip().endswith("-->"):
        start = end
        while "<!--" not in lines[start]:
            start -= 1
        comment = "\n".join(lines[start:end + 1])
        match = MARKER.fullmatch(comment.strip())
        if match is None:
            break
        found.append((match.group(1), match.group(2).strip()))
        end = start - 1
    return tuple(reversed(found))


BLOCKS = read_blocks(README.read_text(encoding="utf-8"))


def kind_of(block: Block) -> str:
    if block.marked("skip"):
        return "skip"
    first = block.text.lstrip("\n").split("\n", 1)[0]
    if block.language == "python":
        return "python"
    if block.language == "prolog":
        return "rules"
    if first.startswith("$ "):
        return "shell"
    if first.startswith(PROMPT):
        return "repl"
    if DIAGNOSTIC.match(first):
        return "diagnostic"
    return "unknown"


# ---- comparing ------------------------------------------------------------------------------------
def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, `...` standing for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def lines_of(text: str, folder: Path | None = None) -> list[str]:
    if folder is not None:
        text = text.replace(str(folder) + os.sep, "").replace(str(folder), ".")
    result = [line.rstrip() for line in text.rstrip("\n").split("\n")]
    return result if result != [""] else []


def assert_same(expected: list[str], actual: list[str], what: str) -> None:
    if not matches(expected, actual):
        shown = "\n".join(actual)
        wanted = "\n".join(expected)
        pytest.fail(f"{what}: the README shows\n{wanted}\n\nbut it prints\n{shown}", pytrace=False)


# ---- running ---------------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A fresh folder with `reasoner` (the checkout's command line) first on the PATH."""
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    command = bin_dir / "reasoner"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m reasoner.cli "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    return work


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{folder.parent / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["COLUMNS"] = "100"
    return env


def shell(command: str, folder: Path, stdin: str = "") -> str:
    done = subprocess.run(["bash", "-c", command], cwd=folder, env=environment(folder), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    return done.stdout


def repl_inputs(lines: list[str]) -> str:
    """The input typed in a transcript: the text after each prompt and continuation prompt."""
    typed = []
    for line in lines:
        if line.startswith(PROMPT):
            typed.append(line[len(PROMPT):])
        elif CONTINUATION.match(line):
            typed.append(CONTINUATION.sub("", line, count=1))
    return "\n".join(typed) + "\n"


def run_shell_session(block: Block, folder: Path) -> None:
    lines = block.text.split("\n")
    commands = [n for n, line in enumerate(lines) if line.startswith("$ ")]
    for position, start in enumerate(commands):
        end = commands[position + 1] if position + 1 < len(commands) else len(lines)
        command = lines[start][2:]
        expected = [line.rstrip() for line in lines[start + 1:end]]
        stdin = repl_inputs(expected) if command.startswith("reasoner repl") else ""
        assert_same(expected, lines_of(shell(command, folder, stdin), folder), f"{block.name}: $ {command}")


def run_repl_session(block: Block, folder: Path) -> None:
    expected = [line.rstrip() for line in block.text.split("\n")]
    output = shell("reasoner repl", folder, repl_inputs(expected))
    assert_same(expected, lines_of(output, folder), f"{block.name}: reasoner repl")


def run_python(block: Block, folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    lines = block.text.split("\n")
    expected: list[str] = []
    for number, line in enumerate(lines):
        if not line.lstrip().startswith("print("):
            continue
        following = []
        for later in lines[number + 1:]:
            if not later.startswith("# "):
                break
            following.append(later[2:])
        if following:
            expected.append("\n".join(following))
        elif "  # " in line:
            expected.append(line.split("  # ", 1)[1].strip())
    printed: list[str] = []

    def record(*args, **kwargs) -> None:
        stream = io.StringIO()
        print(*args, file=stream, **{k: v for k, v in kwargs.items() if k != "file"})
        printed.append(stream.getvalue().rstrip("\n"))

    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block.text, block.name, "exec"), {"print": record, "__name__": "readme"})
    assert len(printed) == len(expected), f"{block.name}: {len(printed)} prints, {len(expected)} shown"
    for shown, actual in zip(expected, printed):
        assert_same(lines_of(shown), lines_of(actual), f"{block.name}: print")


def run_diagnostic(block: Block, folder: Path) -> None:
    names = []
    for argument in block.marked("file"):
        name, _, content = argument.partition("\n")
        (folder / name.strip()).write_text(content.strip("\n") + "\n", encoding="utf-8")
        names.append(name.strip())
    assert names, f"{block.name}: a diagnostic needs the file it is about (`<!-- readme-test: file NAME ...`)"
    output = lines_of(shell("reasoner check " + " ".join(names), folder), folder)
    expected = lines_of(block.text)
    if not any(output[start:start + len(expected)] == expected for start in range(len(output))):
        pytest.fail(f"{block.name}: the README shows\n" + "\n".join(expected)
                    + "\n\nbut `reasoner check` prints\n" + "\n".join(output), pytrace=False)


def run_rules(block: Block) -> None:
    from reasoner import Engine

    engine = Engine()
    engine.load_text(block.text, name=f"{block.name}.dl")
    for comment in re.findall(r"//\s*(\w+\([^()]*\))\s*$", block.text, re.M):
        assert engine.query(comment) == [{}], f"{block.name}: {comment} does not hold"


@pytest.mark.parametrize("block", [b for b in BLOCKS if kind_of(b) != "skip"], ids=lambda block: block.name)
def test_readme_example(block: Block, folder: Path, monkeypatch) -> None:
    for path in block.marked("copy"):
        shutil.copy(ROOT / path, folder / Path(path).name)
    kind = kind_of(block)
    if kind == "unknown":
        pytest.fail(f"{block.name}: the README test cannot run this block: make it a session "
                    "(`$ command` and its output), or mark it `<!-- readme-test: skip: WHY -->`",
                    pytrace=False)
    if kind == "shell":
        run_shell_session(block, folder)
    elif kind == "repl":
        run_repl_session(block, folder)
    elif kind == "python":
        run_python(block, folder, monkeypatch)
    elif kind == "diagnostic":
        run_diagnostic(block, folder)
    else:
        run_rules(block)


def test_every_marker_is_known_and_every_illustrative_block_says_why() -> None:
    for block in BLOCKS:
        for kind, argument in block.markers:
            assert kind in ("skip", "file", "copy"), f"{block.name}: unknown marker `{kind}`"
            if kind == "skip":
                assert len(argument) > 10, f"{block.name}: say why the block is not run"
    assert sum(kind_of(b) != "skip" for b in BLOCKS) >= 6  # the examples that show output are run
