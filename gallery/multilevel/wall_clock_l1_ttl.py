"""Bug: L1 ages are measured with time.time(), not with the clock given.

The injected clock is how tests (and callers) control time; with the wall clock the
fake clock's hours pass in milliseconds and L1 entries seem never to expire.
"""

from __future__ import annotations

import time
from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_entry_is_not_served_from_l1_ttl_on"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "older than l1_ttl"


class MultiLevelCache(Reference):
    def __init__(self, client: redis.Redis, **options: Any) -> None:
        options.pop("clock", None)  # BUG: the clock argument is ignored (correct: use it)
        super().__init__(client, clock=time.time, **options)
