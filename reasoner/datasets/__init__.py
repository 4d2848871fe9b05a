"""Importing machine-coded event data (GDELT 1.0 and 2.0, ICEWS, POLECAT/PLOVER, ACLED) as facts
of the event schema (docs/events.md), so that the shipped rules run on it next to curated
statements. `Engine.load_dataset` and `reasoner import` are built on `read_dataset`.

Modules: `reading` (plain, .gz and .zip files as lines), one module per format (`gdelt`, `icews`,
`polecat`, `acled`) on the shared `base`, `actors` (canonical ids), `cameo` (the CAMEO tables and
the verb of each code), `records` (an event and its facts), `options`, `report`, `pipeline`
(files -> facts), `events_text` (the facts as `.events` statements) and `command` (the CLI).
"""

from __future__ import annotations

from reasoner.datasets.options import ImportOptions
from reasoner.datasets.pipeline import FORMATS, Imported, read_dataset
from reasoner.datasets.report import ImportReport

__all__ = ["FORMATS", "ImportOptions", "ImportReport", "Imported", "read_dataset"]
