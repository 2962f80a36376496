"""Bug: an L1 hit restarts the entry's l1_ttl, so a hot key is served stale for ever.

l1_ttl bounds how stale an L1 copy can be; a sliding expiry removes that bound for
exactly the keys read most often.
"""

from __future__ import annotations

from solutions.multilevel import LocalLRU
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_hit_does_not_extend_the_entry_life"
KILLED_WITH = "AssertionError"


class SlidingLRU(LocalLRU):
    __slots__ = ()

    def on_hit(self, key: str) -> None:
        self.put(key, self[key][1])  # BUG: stored anew, life restarted (correct: move_to_end)


class MultiLevelCache(Reference):
    l1_type = SlidingLRU
