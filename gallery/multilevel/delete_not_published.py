"""Bug: delete() removes the key but does not announce it, so other instances keep serving it.

set() still publishes, so coherence looks fine until the first delete.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_delete_by_one_instance_is_seen_by_another"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    # KEYS[1]: the L2 entry. ARGV[1]: the channel. ARGV[2]: the invalidation message.
    DELETE_SCRIPT = """
    return redis.call('del', KEYS[1])  -- BUG: nobody else drops their copy
    """
    # (correct: the DEL, then redis.call('publish', ARGV[1], ARGV[2]), then return)
