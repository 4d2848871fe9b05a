"""Long work made visible: the `reasoner` logger and a progress line on a terminal.

Evaluation calls a `Watch` at each stratum and at each round of a fixpoint
(`reasoner.evaluate`). `EvaluationWatch` logs each stratum's time and tuples at debug level on
the `reasoner` logger (`reasoner -v` shows them), and, given a stream, redraws one line on it
once an evaluation has run for more than `PROGRESS_AFTER` seconds:

    reasoner: evaluating stratum 12/40 (responds_to), round 3, 48,211 tuples so far, 2.4 s

The line is drawn over itself (`\\r`) at most every `REDRAW` seconds and erased when the
evaluation ends. The command line gives it stderr only when stderr is a terminal
(`progress_stream`), so output that is piped or redirected never holds it.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

logger = logging.getLogger("reasoner")

PROGRESS_AFTER = 1.0  # seconds an evaluation runs before the progress line shows
REDRAW = 0.1  # seconds between two drawings of the line


class Watch:
    """What evaluation reports as it goes; this one does nothing (the default)."""

    def stratum(self, number: int, total: int, relations) -> None:
        """Stratum `number` (from 1) of `total`, deriving `relations`, starts."""

    def round(self, round_: int, new: int) -> None:
        """A round of the current stratum added `new` tuples."""

    def end(self) -> None:
        """The evaluation is over (done, or stopped by an error)."""


QUIET = Watch()


class EvaluationWatch(Watch):
    """Stratum timings on the `reasoner` logger; a progress line on `stream` (None: none)."""

    def __init__(self, what: str = "evaluating", stream: TextIO | None = None,
                 clock=time.perf_counter):
        self.what = what
        self.stream = stream
        self.clock = clock
        self.started = self.last_drawn = clock()
        self.drawn = False
        self.tuples = 0
        self.current: tuple[int, int, str] | None = None  # number, total, relations
        self.stratum_started = self.started
        self.stratum_tuples = 0
        self.round_ = 0
        self.debug = logger.isEnabledFor(logging.DEBUG)

    def stratum(self, number: int, total: int, relations) -> None:
        self._stratum_done()
        self.current = (number, total, ", ".join(sorted(relations)))
        self.stratum_started = self.clock()
        self.stratum_tuples = 0
        self.round_ = 0
        self._draw()

    def round(self, round_: int, new: int) -> None:
        self.round_ = round_
        self.tuples += new
        self.stratum_tuples += new
        self._draw()

    def end(self) -> None:
        self._stratum_done()
        self.current = None
        if self.drawn and self.stream is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def _stratum_done(self) -> None:
        if self.current is not None and self.debug:
            number, total, relations = self.current
            elapsed = self.clock() - self.stratum_started
            logger.debug("stratum %d/%d (%s): %.3f s, %d round%s, %s tuple%s", number, total, relations,
                         elapsed, self.round_ + 1, "" if self.round_ == 0 else "s",
                         f"{self.stratum_tuples:,}", "" if self.stratum_tuples == 1 else "s")

    def _draw(self) -> None:
        if self.stream is None or self.current is None:
            return
        now = self.clock()
        if now - self.started < PROGRESS_AFTER or (self.drawn and now - self.last_drawn < REDRAW):
            return
        number, total, relations = self.current
        if len(relations) > 40:
            relations = relations[:39] + "…"
        line = (f"reasoner: {self.what} stratum {number}/{total} ({relations}), round {self.round_}, "
                f"{self.tuples:,} tuples so far, {now - self.started:.1f} s")
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.drawn = True
        self.last_drawn = now


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (where a progress line belongs), else None."""
    try:
        return sys.stderr if sys.stderr.isatty() else None
    except (AttributeError, ValueError):  # replaced or closed
        return None


def verbose(level: int) -> logging.Handler | None:
    """`reasoner -v`: the `reasoner` logger's debug messages on stderr; returns the handler,
    for `quiet` to take away (None at level 0)."""
    if level <= 0:
        return None
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("reasoner: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return handler


def quiet(handler: logging.Handler | None) -> None:
    """Undo `verbose`."""
    if handler is not None:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
