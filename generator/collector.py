"""Pausing Python's cyclic garbage collector while the archive's data is built.

Reading the dumps and building the archive create millions of objects (entries, papers,
their strings, tuples and dates) and no reference cycles: the collector has nothing to free
there, but it runs every few hundred allocations, and each full collection walks every
object made so far (~1 s in all at 100,000 papers). Paused, it walks them once, later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, then as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
