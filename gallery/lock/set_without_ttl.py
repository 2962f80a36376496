"""Bug: acquire() sets the key without PX: the lock of a holder that crashed is never freed.

SET NX alone is atomic, but it is not a lease: a holder that dies (or is partitioned
away) before release() leaves the key for ever, and every later acquire() fails until an
operator deletes it.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_acquire_is_one_set_nx_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"without a TTL \(PTTL -1\)"


class RedisLock(reference.RedisLock):
    # KEYS[1]: the lock key. KEYS[2]: its fence counter. ARGV[1]: the token. ARGV[2]: ms.
    ACQUIRE_SCRIPT = """
    if not redis.call('set', KEYS[1], ARGV[1], 'NX') then  -- BUG: no PX, no lease
        return false
    end
    return redis.call('incr', KEYS[2])
    """
    # (correct first line: if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]))
