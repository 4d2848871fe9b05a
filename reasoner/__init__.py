"""reasoner: a Datalog engine for reasoning about dated political events."""

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
]


def __getattr__(name: str):
    if name == "Engine":
        from reasoner.engine import Engine

        return Engine
    raise AttributeError(name)
