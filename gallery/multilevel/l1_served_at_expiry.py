"""Bug: an L1 entry is still served at the very instant it expires (> instead of >=).

Stored at t with l1_ttl, it must be served while clock() < t + l1_ttl: at t + l1_ttl it
is one instant past its bound. Harmless-looking, but it is the boundary every expiry test
of a contract checks first.
"""

from __future__ import annotations

from solutions.multilevel import LocalLRU
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_entry_expires_exactly_at_l1_ttl"
KILLED_WITH = "AssertionError"


class LateLRU(LocalLRU):
    __slots__ = ()

    def is_expired(self, expires_at: float, now: float) -> bool:
        return now > expires_at  # BUG: off by one instant (correct: now >= expires_at)


class MultiLevelCache(Reference):
    l1_type = LateLRU
