"""Bug: release() is GET, compare, then DEL: the lease can expire and change hands in between.

Two round trips are not atomic: after the GET said "mine", the key may expire and be
acquired by another process before the DEL, which then deletes the new holder's lock.
Only RedisLock.release() differs from the reference.
"""

from __future__ import annotations

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


class RedisLock(Reference):
    def release(self) -> None:
        token, self._token, self._fencing_token = self._token, None, None
        if token is None:
            raise LockNotOwnedError(f"cannot release {self.key}: this instance does not hold it")
        value = self._client.get(self.key)
        if isinstance(value, bytes):
            value = value.decode()
        if value != token:
            raise LockNotOwnedError(f"cannot release {self.key}: it expired or was taken over")
        # BUG: not atomic with the GET above
        # (correct: compare and delete in one Lua script, RELEASE_IF_OWNER)
        self._client.delete(self.key)
