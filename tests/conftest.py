"""Settings for the whole test suite."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _parse_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """The parsed rule files are cached (`reasoner/syntax/parse_cache.py`) in a folder of this
    run's, not in the user's ~/.cache; commands the tests start inherit it."""
    before = os.environ.get("REASONER_CACHE_DIR")
    os.environ["REASONER_CACHE_DIR"] = str(tmp_path_factory.mktemp("reasoner-cache"))
    yield
    if before is None:
        os.environ.pop("REASONER_CACHE_DIR", None)
    else:
        os.environ["REASONER_CACHE_DIR"] = before
