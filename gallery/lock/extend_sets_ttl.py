"""Bug: extend(additional) sets the TTL to additional instead of adding it to the remaining time.

A holder with 8 s left that asks for 2 s more ends up with 2 s: "extend" shortens the
lease. Only the extend script differs from the reference's EXTEND_IF_OWNER.
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


# KEYS[1]: the lock key. ARGV[1]: the caller's token. ARGV[2]: milliseconds to add.
SET_TTL_IF_OWNER = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
    return 0
end
redis.call('pexpire', KEYS[1], tonumber(ARGV[2]))  -- BUG: sets, does not add
return 1
"""
# (correct: PEXPIRE to PTTL + ARGV[2], with a PTTL below 0 counted as 0)


class RedisLock(Reference):
    def __init__(self, client: redis.Redis, name: str, **options: Any) -> None:
        super().__init__(client, name, **options)
        self._extend = client.register_script(SET_TTL_IF_OWNER)
