"""A progress bar on a terminal (rows read, kept, bad), with `tqdm` when it is installed (the
`datasets` extra); nothing when stderr is not a terminal or tqdm is missing."""

from __future__ import annotations

import sys

EVERY = 20_000  # rows between two updates of the bar


class Progress:
    def __init__(self, enabled: bool | None, title: str) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self.bar = tqdm(desc=f"importing {title}", unit=" rows", unit_scale=True, file=sys.stderr,
                            leave=False, mininterval=0.5)
        self.shown = 0

    def update(self, read: int, kept: int, bad: int) -> None:
        if self.bar is not None:
            self.bar.update(read - self.shown)
            self.shown = read
            self.bar.set_postfix(kept=kept, bad=bad, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
