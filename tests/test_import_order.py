"""Each subpackage and top-level module of the package can be the first one a program imports (`import
reasoner.syntax` in an embedding tool, `python -m reasoner.cli`): no import cycle that works only
when another module was imported before it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import reasoner

ROOT = Path(__file__).resolve().parent.parent

# In one fresh interpreter: for each module, forget every module of the package, then import it.
SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "reasoner" or m.startswith("reasoner.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_imports_first() -> None:
    # the entry points: each subpackage and each module at the top (a module inside a
    # subpackage is reached through its package's __init__ first)
    names = [info.name for info in pkgutil.walk_packages(reasoner.__path__, "reasoner.")
             if (info.ispkg or info.name.count(".") == 1) and not info.name.endswith("__main__")]
    assert "reasoner.syntax" in names and len(names) > 40
    done = subprocess.run([sys.executable, "-c", SCRIPT, *names], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
