"""Bug: L1 is shared by threads without a lock, so a hit can race an eviction.

A get() finds its key in L1, and before it marks it most recently used, another thread
promotes a key into the full L1 and evicts it: the hit fails with a KeyError (or the
counters and the version check go wrong more quietly).
"""

from __future__ import annotations

import contextlib
from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "test_an_l1_hit_racing_an_eviction_by_another_thread"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def __init__(self, client: redis.Redis, **options: Any) -> None:
        super().__init__(client, **options)
        self.mutex = contextlib.nullcontext()  # type: ignore[assignment]  # BUG: no lock
        # (correct: a threading.Lock around every use of L1, the version and the counters)
