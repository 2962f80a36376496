"""Bug: set() drops expired entries only when the cache is full, so they stay referenced.

A write-only cache below maxsize keeps every expired value alive (a memory leak that only
weakref can see: get() still hides them).
"""

from solutions import ttl as reference

KILLED_BY = "TestPart2AutoExpiry::test_next_set_releases_an_expired_value"
KILLED_WITH = "AssertionError"


class TTLCache(reference.TTLCache):
    def reclaim(self, now: float) -> None:
        # BUG: only when full; the reference reclaims on every set that finds a record due
        if self.currsize >= self.maxsize:
            super().reclaim(now)
