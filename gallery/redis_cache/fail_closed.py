"""Bug: a Redis outage propagates ConnectionError: the cache takes the service down with it.

The cache is an optimisation: when Redis is unreachable the call must still run (fail open,
with a warning). Here the outage is re-raised, on the read and on the write.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart3FailOpen::test_closed_port_fails_open"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised ConnectionError while Redis was unavailable"


class CachedFunction(reference.CachedFunction):
    def on_redis_down(self, exc: Exception, doing: str) -> None:
        # BUG: the outage escapes to the caller; correct: log a warning and return, so the
        # call goes on without the cache
        raise exc


redis_cache = CachedFunction.decorator
