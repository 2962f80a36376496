"""Bug: process_invalidations() lets the Redis error escape, so reads fail even on an L1 hit.

It runs at the start of every read: while Redis is down, the L1 copy that could have
been served is never reached. (The constructor fails the same way while Redis is down:
it is the same handler of a pub/sub outage.)
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisDown::test_l1_hits_are_still_served"
KILLED_WITH = "ConnectionError"


class MultiLevelCache(Reference):
    def read_failed(self, operation: str, error: Exception) -> None:
        if operation == "invalidations":
            raise error  # BUG: a pub/sub outage fails the read (correct: log it, carry on)
        super().read_failed(operation, error)
