"""Bug: a Redlock server that is down makes acquire() raise instead of counting as a no.

Redlock exists to survive a minority of failed servers; letting one ConnectionError
escape turns any single outage into an outage of the lock.
"""

from __future__ import annotations

import redis

from solutions import lock as reference

KILLED_BY = "TestPart3Redlock::test_down_server_counts_as_no"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"down raised ConnectionError"


class Redlock(reference.Redlock):
    def vote(self, client: redis.Redis, token: str, ttl_ms: int) -> bool:
        # BUG: errors escape (correct: except redis.RedisError: return False)
        return bool(client.set(self.key, token, nx=True, px=ttl_ms))
