"""`python -m reasoner` is the `reasoner` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    program = tmp_path / "p.dl"
    program.write_text(".decl e(x: number, y: number)\ne(1, 2).\n.decl p(x: number)\np(X) :- e(X, _).\n"
                       "?- p(X).\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reasoner", "run", str(program), "--dump", "plan"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "scan e(X, _)\n  emit p(X)" in done.stdout
