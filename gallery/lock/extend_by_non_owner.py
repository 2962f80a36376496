"""Bug: extend() extends whatever lock holds the key, even another holder's.

The script checks that the key exists, not that it holds this instance's token: a holder
whose lease expired prolongs the new holder's lock and believes it still owns it.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart2Extend::test_extend_after_takeover_raises"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"prolonged the new holder's"


class RedisLock(reference.RedisLock):
    # KEYS[1]: the lock key. ARGV[1]: the caller's token (unused!). ARGV[2]: ms to add.
    EXTEND_SCRIPT = """
    if redis.call('exists', KEYS[1]) == 0 then  -- BUG: anybody's lock will do
        return 0
    end
    local remaining = redis.call('pttl', KEYS[1])
    if remaining < 0 then
        remaining = 0
    end
    redis.call('pexpire', KEYS[1], remaining + tonumber(ARGV[2]))
    return 1
    """
    # (correct first line: if redis.call('get', KEYS[1]) ~= ARGV[1] then)
