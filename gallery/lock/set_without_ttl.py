"""Bug: acquire() sets the key without PX: the lock of a holder that crashed is never freed.

SET NX alone is atomic, but it is not a lease: a holder that dies (or is partitioned
away) before release() leaves the key for ever, and every later acquire() fails until an
operator deletes it. Only RedisLock.acquire() differs from the reference.
"""

from __future__ import annotations

import time

from solutions.lock import (
    CLOCK_DRIFT_FACTOR,
    CLOCK_DRIFT_FLOOR,
    REDLOCK_MAX_PAUSE,
    REDLOCK_RETRIES,
    LockError,
    LockNotOwnedError,
    Redlock,
    _new_token,
    _seconds,
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
    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if timeout is not None:
            timeout = _seconds("timeout", timeout, zero_ok=True)
        elif self.blocking_timeout is not None:
            timeout = self.blocking_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        token = _new_token()
        # BUG: no PX, no lease (correct: set(self.key, token, nx=True, px=<ttl in ms>))
        while not self._client.set(self.key, token, nx=True):
            if not blocking:
                return False
            pause = self.retry_interval
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                pause = min(pause, remaining)
            time.sleep(pause)
        self._token = token
        self._fencing_token = int(self._client.incr(self.fence_key))
        return True
