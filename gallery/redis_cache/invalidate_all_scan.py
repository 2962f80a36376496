"""Bug: invalidate_all() SCANs for the prefix's keys and deletes them: O(all keys in Redis).

On a big shared server this takes seconds, and entries written during the scan survive.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Invalidation::test_invalidate_all_is_constant_work"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def invalidate_all(self) -> None:
        # BUG: walks the whole keyspace; correct: one INCR of the generation key
        doomed = list(self.client.scan_iter(match=f"{{{self.prefix}}}:*"))
        if doomed:
            self.client.delete(*doomed)


redis_cache = CachedFunction.decorator
