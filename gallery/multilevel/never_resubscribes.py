"""Bug: if Redis is down when the instance is created, it never subscribes afterwards.

Everything looks fine (reads and writes work once Redis is back), but this instance
never hears another write: its L1 stays stale until l1_ttl.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisBack::test_instance_created_while_down_becomes_coherent"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def resubscribe(self) -> None:
        pass  # BUG: gives up (correct: subscribe again on a fresh pub/sub connection)
