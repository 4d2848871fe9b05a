"""Ctrl-C held back while an engine installs a change it has finished computing.

`Engine` changes relations in place when it continues an evaluation (`reasoner.update`), and
undoes them if anything, a `KeyboardInterrupt` included, stops the update. Once the update
has returned, though, the relations are already changed and only the assignment of the new
state is left: an interrupt there would leave relations that the base facts do not explain.
`interrupts_held_outside(code)` lets SIGINT interrupt while `code` (the update) runs, and
holds it from the moment it returns until the block ends; the held interrupt is then raised.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType


@contextmanager
def interrupts_held_outside(interruptible: CodeType) -> Iterator[None]:
    """SIGINT interrupts while a frame running `interruptible` is on the stack and is held
    elsewhere in the block (raised when it ends). After the first interrupt has been
    raised, later ones are held too, so that the undoing of changes is not cut short.

    Only the main thread runs signal handlers; elsewhere, and when SIGINT is not handled by
    Python code (ignored, or the default action), this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    held: list[tuple[int, FrameType | None]] = []
    raised = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if not raised and _running(frame, interruptible):
            raised = True
            previous(signum, frame)  # normally raises KeyboardInterrupt
        else:
            held.append((signum, frame))

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    # Reached only when the block ended normally: the change is installed; now interrupt.
    if held and not raised:
        previous(*held[0])


def _running(frame: FrameType | None, code: CodeType) -> bool:
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False
