"""Bug: the TTL is set with SETEX in whole seconds, so ttl=0.25 lives a full second.

SETEX (like EX) counts whole seconds; a fractional TTL needs PX (milliseconds).
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_written_with_one_set_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"SETEX"


class CachedFunction(reference.CachedFunction):
    def write_entry(self, key: str, payload: str | bytes) -> None:
        # BUG: whole seconds, rounded up; correct: SET key payload PX ttl_ms
        seconds = -(-self.ttl_ms // 1000)
        self.client.setex(key, seconds, payload)


redis_cache = CachedFunction.decorator
