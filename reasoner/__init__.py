"""reasoner: a Datalog engine for reasoning about dated political events."""

from importlib import metadata as _metadata
from typing import TYPE_CHECKING

from reasoner.errors import (
    CheckError,
    Diagnostic,
    EvaluationError,
    LimitError,
    LoadError,
    ParseError,
    QueryError,
    ReasonerError,
)

if TYPE_CHECKING:  # the real class for type checkers; at run time it is imported on first use
    from reasoner.engine import Engine

try:
    __version__ = _metadata.version("reasoner-events")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CheckError",
    "Diagnostic",
    "Engine",
    "EvaluationError",
    "LimitError",
    "LoadError",
    "ParseError",
    "QueryError",
    "ReasonerError",
    "__version__",
]


def __getattr__(name: str):
    if name == "Engine":
        from reasoner.engine import Engine

        return Engine
    raise AttributeError(name)
