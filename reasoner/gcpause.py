"""`paused_gc()`: no cyclic garbage collection while a large event AST, fact set or evaluation
result is built.

Evaluation is the same case as parsing: millions of tuples, sets and index lists that survive
and form no cycles; a full collection traversing them can take a second on its own.

Parsing 10,000 statements makes some 300,000 small objects (names, spans, AST nodes) that all
survive, and none of which form reference cycles (the temporaries are freed by reference
counting). With the collector running, the growing heap is traversed again and again by full
collections (each triggered when the survivors have grown by a quarter): that cost more than
the parsing itself. So the collector is paused while the objects are built.

When the pause ends, what was built is long-lived by construction: it is moved straight into the
oldest generation (`gc.freeze()` then `gc.unfreeze()`, which move lists without traversing
them), instead of being traversed by a young collection of 300,000 objects right away and by a
middle one later. It is still collected as usual by the next full collection. This is done
only when no objects were frozen before (an application that uses `gc.freeze()` keeps its frozen
objects frozen); otherwise the collector simply resumes.

The pause is scoped and restores the previous state: if the collector was already disabled (by
the application), it is left alone. It is process-wide, like `gc.disable()`; another thread that
allocates meanwhile simply sees no collection until the pause ends (and its young objects are
promoted with ours).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
