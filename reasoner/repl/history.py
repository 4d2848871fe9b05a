"""Where the REPL keeps its history: the user's data directory, as the XDG spec says."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def history_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/reasoner/history`, or `~/.local/share/reasoner/history` when
    XDG_DATA_HOME is unset or empty (`%APPDATA%\\reasoner\\history` on Windows).

    >>> history_path({"XDG_DATA_HOME": "/data"}).as_posix()
    '/data/reasoner/history'
    """
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):  # the spec says relative values are to be ignored
        if os.name == "nt" and environ.get("APPDATA"):
            base = environ["APPDATA"]
        else:
            base = str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "reasoner" / "history"


def open_history(path: Path | None = None):
    """A prompt_toolkit history stored in `path` (default: `history_path()`); kept in memory,
    with a warning, when the file cannot be created."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = path or history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError as exc:
        print(f"warning: history will not be saved ({path}: {exc.strerror})")
        return InMemoryHistory()
    return FileHistory(str(path))
