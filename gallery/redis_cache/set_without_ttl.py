"""Bug: the entry is written without a TTL, so it lives until someone deletes it.

A cache entry without a TTL is a memory leak that also serves stale data forever: the
decorator's ``ttl`` must reach Redis with the value.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_written_with_one_set_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the SET must carry PX"


class CachedFunction(reference.CachedFunction):
    def write_entry(self, key: str, payload: str | bytes) -> None:
        self.client.set(key, payload)  # BUG: no TTL; correct: px=self.ttl_ms


redis_cache = CachedFunction.decorator
