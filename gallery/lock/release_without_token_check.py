"""Bug: release() deletes the key without checking the token: it frees another holder's lock.

The seed article's release. If this holder's lease expired and someone else acquired
the lock, the late release() deletes the new holder's key: now two processes run the
critical section. Only RedisLock.release() differs from the reference.
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
        # BUG: deletes whoever's lock is there now
        # (correct: the RELEASE_IF_OWNER script, which deletes only if the key holds token)
        self._client.delete(self.key)
