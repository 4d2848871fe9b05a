"""What an import did: rows read, kept and skipped (and why), bad rows with the first few
reported at file:line."""

from __future__ import annotations

from collections import Counter

import attrs

from reasoner.errors import Diagnostic

# How many bad rows are reported one by one (the rest are counted).
REPORTED_BAD_ROWS = 5


@attrs.define
class ImportReport:
    """Counts of one import. `read`: data rows read; `kept`: events produced (after filters and
    de-duplication); `skipped`: rows left out on purpose, by reason; `bad`: rows that could not
    be read, by reason, the first few of them in `diagnostics`."""

    dataset: str
    files: list[str] = attrs.Factory(list)
    read: int = 0
    kept: int = 0
    merged: int = 0  # rows folded into an earlier event by de-duplication
    skipped: Counter = attrs.Factory(Counter)
    bad: Counter = attrs.Factory(Counter)
    diagnostics: list[Diagnostic] = attrs.Factory(list)
    facts: int = 0  # facts produced, all relations

    @property
    def bad_rows(self) -> int:
        return sum(self.bad.values())

    def note_bad(self, reason: str, diagnostic: Diagnostic) -> None:
        self.bad[reason] += 1
        if len(self.diagnostics) < REPORTED_BAD_ROWS:
            self.diagnostics.append(diagnostic)

    def summary(self) -> str:
        """A few lines an analyst reads after an import."""
        lines = [f"{self.dataset}: {self.read:,} rows read from {len(self.files)} "
                 f"file{'s' if len(self.files) != 1 else ''}, {self.kept:,} events kept"
                 + (f" ({self.merged:,} duplicate rows merged)" if self.merged else "")
                 + f", {sum(self.skipped.values()):,} skipped, {self.bad_rows:,} bad"]
        for reason, count in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  skipped {count:,}: {reason}")
        for reason, count in sorted(self.bad.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  bad {count:,}: {reason}")
        return "\n".join(lines)
