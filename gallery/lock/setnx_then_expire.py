"""Bug: acquire() is SETNX then PEXPIRE: a crash in between leaves a lock that never expires.

The seed article's lock. Between the two round trips the holder can die (or the
connection drop), and the key then has no TTL: nobody ever gets the lock again. Only
RedisLock.acquire() differs from the reference.
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
        deadline = None if timeout is None else time.monotonic() + timeout
        token = _new_token()
        px = _milliseconds(self.ttl)
        # BUG: two commands; a crash between SETNX and PEXPIRE leaves a lock with no TTL
        # (correct: one atomic SET key token NX PX ttl)
        while not (self._client.setnx(self.key, token) and self._client.pexpire(self.key, px)):
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
