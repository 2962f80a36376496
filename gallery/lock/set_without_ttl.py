"""Bug: acquire() sets the key without PX: the lock of a holder that crashed is never freed.

SET NX alone is atomic, but it is not a lease: a holder that dies (or is partitioned
away) before release() leaves the key for ever, and every later acquire() fails until an
operator deletes it. Only RedisLock's SET differs from the reference.
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
    def _try_set(self, token: str) -> bool:
        # BUG: no PX, no lease (correct: set(self.key, token, nx=True, px=<ttl in ms>))
        return bool(self._client.set(self.key, token, nx=True))
