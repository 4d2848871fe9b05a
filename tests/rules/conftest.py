"""Markers of the rule-library tests."""

from __future__ import annotations


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "dense: the full-size dense stream (27,000 events, 16-55 s; CI runs it; "
                   "deselect with -m 'not dense')")
