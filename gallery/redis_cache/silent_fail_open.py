"""Bug: Redis failures are swallowed without a warning, so an outage is invisible.

Failing open is right, but silently: every call now hits the backend and nobody is told
why.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart3FailOpen::test_closed_port_fails_open"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"must log a warning"


class CachedFunction(reference.CachedFunction):
    def on_redis_down(self, exc: Exception, doing: str) -> None:
        pass  # BUG: nobody is told that the cache is down; correct: log a warning


redis_cache = CachedFunction.decorator
