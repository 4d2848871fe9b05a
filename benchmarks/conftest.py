"""Benchmarks share the differential test's pyDatalog oracle (tests/pydatalog_oracle.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
