"""Bug: release() also deletes the fence counter, so fencing tokens start again from 1.

Tidy, and fatal: the storage that remembers the highest token seen rejects every write
of the next holder (or, worse, cannot tell a stale holder from the current one).
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart2Fencing::test_fencing_token_lifecycle"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"strictly increase"


class RedisLock(reference.RedisLock):
    # KEYS[1]: the lock key. ARGV[1]: the caller's token.
    RELEASE_SCRIPT = """
    if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('del', KEYS[1], KEYS[1] .. ':fence')  -- BUG: the fence goes too
    end
    return 0
    """
    # (correct: del KEYS[1] only; the fence must outlive every holder)
