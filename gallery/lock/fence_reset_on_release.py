"""Bug: release() also deletes the fence counter, so fencing tokens start again from 1.

Tidy, and fatal: the storage that remembers the highest token seen rejects every write
of the next holder (or, worse, cannot tell a stale holder from the current one). Only
the release script, and the keys release() passes it, differ from the reference.
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


# KEYS[1]: the lock key, KEYS[2]: its fence counter. ARGV[1]: the caller's token.
RELEASE_AND_FENCE_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', unpack(KEYS))  -- BUG: the fence counter goes too
end
return 0
"""
# (correct: del KEYS[1] only; the fence must outlive every holder)


class RedisLock(Reference):
    def __init__(self, client: redis.Redis, name: str, **options: Any) -> None:
        super().__init__(client, name, **options)
        self._release = client.register_script(RELEASE_AND_FENCE_IF_OWNER)

    def release(self) -> None:
        token, self._token, self._fencing_token = self._token, None, None
        if token is None:
            raise LockNotOwnedError(f"cannot release {self.key}: this instance does not hold it")
        # BUG: the fence key goes with the lock key: the next INCR starts again at 1
        if not self._release(keys=[self.key, self.fence_key], args=[token]):
            raise LockNotOwnedError(f"cannot release {self.key}: it expired or was taken over")
