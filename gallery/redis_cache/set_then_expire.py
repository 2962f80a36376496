"""Bug: the entry is written by SET and then given its TTL by PEXPIRE: two commands.

A crash, timeout or failover between them leaves an entry that never expires.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_written_with_one_set_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"SET PEXPIRE"


class CachedFunction(reference.CachedFunction):
    def write_entry(self, key: str, payload: str | bytes) -> None:
        # BUG: not atomic; correct: one SET key payload PX ttl_ms
        self.client.set(key, payload)
        self.client.pexpire(key, self.ttl_ms)


redis_cache = CachedFunction.decorator
