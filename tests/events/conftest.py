from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.resources import data_dir


@pytest.fixture
def articles_dir() -> Path:
    """The corpus's articles, shipped in corpus/articles/."""
    return data_dir("articles")


@pytest.fixture
def cameo_dir() -> Path:
    """The CAMEO tables, shipped in data/cameo/."""
    return data_dir("cameo")
