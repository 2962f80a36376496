"""Bug: owned() compares what GET returns with the str token: bytes never equal it.

A client made with ``decode_responses=False`` (redis-py's default) returns bytes, and
``b"ab12" == "ab12"`` is False in Python 3: the holder is told it does not hold its own
lock. Decode the value first, or compare inside Redis.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_lifecycle_locked_and_owned"
KILLED_WITH = "AssertionError"


class RedisLock(reference.RedisLock):
    def owned(self) -> bool:
        # BUG: bytes from a decode_responses=False client (correct: decode bytes first)
        return self.token is not None and self.client.get(self.key) == self.token
