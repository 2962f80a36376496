"""Bug: get() on an L1 miss raises when Redis is down instead of returning the default.

A cache is an optimisation: an outage of Redis must make reads slower, not fail them.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisDown::test_get_on_an_l1_miss_returns_the_default"
KILLED_WITH = "ConnectionError"


class MultiLevelCache(Reference):
    def read_failed(self, operation: str, error: Exception) -> None:
        if operation == "get":
            raise error  # BUG: get() fails closed (correct: log it; the read is a miss)
        super().read_failed(operation, error)
