"""Bug: a read promotes what it fetched from L2 even if an invalidation came in meanwhile.

A get() reads 'old' from Redis; before it stores it in L1, a write changes the key and
the invalidation is applied (to an L1 that does not hold the key yet). The read then
puts 'old' into L1, where no message will ever remove it: stale until l1_ttl.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_a_read_racing_an_invalidation_does_not_promote_the_old_value"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def still_current(self, version: int) -> bool:
        return True  # BUG: invalidations are not tracked (correct: the version is unchanged)
