"""Bug: extend(additional) sets the TTL to additional instead of adding it to the remaining time.

A holder with 8 s left that asks for 2 s more ends up with 2 s: "extend" shortens the
lease.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart2Extend::test_extend_adds_to_remaining_ttl"
KILLED_WITH = "AssertionError"


class RedisLock(reference.RedisLock):
    # KEYS[1]: the lock key. ARGV[1]: the caller's token. ARGV[2]: milliseconds to add.
    EXTEND_SCRIPT = """
    if redis.call('get', KEYS[1]) ~= ARGV[1] then
        return 0
    end
    redis.call('pexpire', KEYS[1], tonumber(ARGV[2]))  -- BUG: sets, does not add
    return 1
    """
    # (correct: PEXPIRE to PTTL + ARGV[2], with a PTTL below 0 counted as 0)
