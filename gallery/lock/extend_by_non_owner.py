"""Bug: extend() extends whatever lock holds the key, even another holder's.

The script checks that the key exists, not that it holds this instance's token: a holder
whose lease expired prolongs the new holder's lock and believes it still owns it. Only
the extend script differs from the reference's EXTEND_IF_OWNER.
"""

from __future__ import annotations

from typing import Any

import redis

from solutions.lock import (
    CLOCK_DRIFT_FACTOR,
    CLOCK_DRIFT_FLOOR,
    REDLOCK_MAX_PAUSE,
    REDLOCK_RETRIES,
    LockError,
    LockNotOwnedError,
    Redlock,
)
from solutions.lock import RedisLock as Reference

__all__ = [
    "CLOCK_DRIFT_FACTOR",
    "CLOCK_DRIFT_FLOOR",
    "REDLOCK_MAX_PAUSE",
    "REDLOCK_RETRIES",
    "LockError",
    "LockNotOwnedError",
    "RedisLock",
    "Redlock",
]


# KEYS[1]: the lock key. ARGV[1]: the caller's token (unused!). ARGV[2]: milliseconds to add.
EXTEND_IF_LOCKED = """
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


class RedisLock(Reference):
    def __init__(self, client: redis.Redis, name: str, **options: Any) -> None:
        super().__init__(client, name, **options)
        self._extend = client.register_script(EXTEND_IF_LOCKED)
