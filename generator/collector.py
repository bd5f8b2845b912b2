"""Python's cycle collector, set for a build: the generator's process and MkDocs'
(overrides/hooks.py).

A build holds the whole archive in memory, hundreds of thousands of small objects (papers,
their tuples and strings, the pages' keys) that live until it ends, and frees nearly all its
garbage by reference counting. Python's cycle collector still walks every one of them in each
full collection, and makes one each time the objects that outlived the younger collections
have grown by a quarter: 7 of them in the generator's build of 30,000 papers with one new dump,
~0.7 s of its ~6 s (bench/README.md). With :func:`fewer_full_collections`, a full collection
waits for FULL_EVERY collections of the middle generation instead of Python's 10; the young
objects, where short-lived cycles are, are collected as often as before.
"""

from __future__ import annotations

import gc

#: collections of the middle generation between two full collections (Python's default: 10)
FULL_EVERY = 100


def fewer_full_collections() -> None:
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
