"""Bug: writes are never announced over pub/sub, so other instances serve their old L1 copy.

This is the two-level cache of most tutorials: two levels and no coherence at all. Another
process keeps its stale copy until l1_ttl, however long that is.
"""

from __future__ import annotations

import redis

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_set_by_one_instance_is_seen_by_another"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def announce(self, pipe: redis.client.Pipeline, key: str) -> None:
        pass  # BUG: no PUBLISH (correct: the {"sender", "key"} message on the channel)
