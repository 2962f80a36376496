"""Bug: writes are never announced over pub/sub, so other instances serve their old L1 copy.

This is the two-level cache of most tutorials: two levels and no coherence at all. Another
process keeps its stale copy until l1_ttl, however long that is.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_set_by_one_instance_is_seen_by_another"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    # KEYS[1]: the L2 entry. ARGV: the data, its TTL in ms, the channel, the message.
    SET_SCRIPT = """
    redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1  -- BUG: no PUBLISH
    """
    # (correct, before the return: redis.call('publish', ARGV[3], ARGV[4]))
