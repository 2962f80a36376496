"""Bug: a full cache evicts its least recently used entry instead of dropping the expired ones.

set() skips reclaiming when the cache is full, so it evicts a live entry while an expired
one still holds a place: a live entry is lost for nothing.
"""

from solutions import ttl as reference

KILLED_BY = "TestPart2Eviction::test_expired_entries_are_dropped_before_evicting"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"evicted the live 'old'"


class TTLCache(reference.TTLCache):
    def reclaim(self, now: float) -> None:
        if self.currsize >= self.maxsize:
            # BUG: full, so set() goes on to evict; the reference reclaims first, on every
            # set, and evicts only if the cache is still full
            return
        super().reclaim(now)
