"""Bug: L1 is changed by threads without a lock, so a promotion can undo an invalidation.

A get() has read a value from L2, checked that nothing was invalidated meanwhile and is
putting it into L1 when another thread applies an invalidation of that key: without one
lock around the check and the put, the invalidation lands in between and the old value
after it, stale until l1_ttl (and the counters and the LRU go wrong more quietly).
"""

from __future__ import annotations

import contextlib
from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_a_promotion_racing_an_invalidation_is_atomic"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def __init__(self, client: redis.Redis, **options: Any) -> None:
        super().__init__(client, **options)
        self.mutex = contextlib.nullcontext()  # type: ignore[assignment]  # BUG: no lock
        # (correct: a threading.Lock around every change to L1, the version and the counts)
