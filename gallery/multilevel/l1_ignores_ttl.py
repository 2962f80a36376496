"""Bug: L1 entries never expire, so a value changed behind the cache's back is served for ever.

Pub/sub only covers writes made through an instance; l1_ttl is what bounds staleness for
everything else (a lost message, a write straight to Redis, an expired L2 entry).
"""

from __future__ import annotations

from solutions.multilevel import LocalLRU
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_entry_is_not_served_from_l1_ttl_on"
KILLED_WITH = "AssertionError"


class TimelessLRU(LocalLRU):
    __slots__ = ()

    def is_expired(self, expires_at: float, now: float) -> bool:
        return False  # BUG: the expiry time is never checked (correct: now >= expires_at)


class MultiLevelCache(Reference):
    l1_type = TimelessLRU
