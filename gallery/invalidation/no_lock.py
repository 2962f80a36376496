"""Bug: CacheAside keeps no lock: a read's lease check and its fill are not atomic.

Each dict operation is atomic under the GIL, but "is my lease still there? then fill" is
two steps: a write's invalidation can land between them, and the read caches the value
the write has just replaced (or fails deleting a lease that is gone). The class is
documented as thread-safe; threads switch between any two bytecodes.
"""

from __future__ import annotations

import contextlib

from solutions import invalidation as reference

KILLED_BY = "test_an_invalidation_between_any_two_steps_of_a_fill"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised KeyError"


class CacheAside(reference.CacheAside):
    lock_factory = contextlib.nullcontext  # BUG: no lock at all; correct: threading.Lock
