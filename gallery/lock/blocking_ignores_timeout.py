"""Bug: blocking acquire() ignores the timeout and waits until it gets the lock.

The timeout (or the instance's blocking_timeout) is checked and then forgotten: a caller
that asked to give up after a second hangs for as long as somebody else holds the lock.
Only RedisLock.acquire() differs from the reference.
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
    _milliseconds,
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
        token = _new_token()
        px = _milliseconds(self.ttl)
        while not self._client.set(self.key, token, nx=True, px=px):
            if not blocking:
                return False
            # BUG: never looks at the timeout (correct: give up once a deadline of
            # time.monotonic() + timeout has passed, and sleep no later than it)
            time.sleep(self.retry_interval)
        self._token = token
        self._fencing_token = int(self._client.incr(self.fence_key))
        return True
