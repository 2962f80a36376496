"""Bug: every acquisition writes the same token, so any instance can release anyone's lock.

The token is the proof of ownership that release() and extend() compare against. When
every holder writes "locked", a holder whose lease expired (or any other instance that
once acquired) passes the compare and deletes the current holder's lock. The slip is in
RedisLock.acquire(); Redlock is the reference's.
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
        # The reference's acquire(), but for the token line.
        if timeout is not None:
            timeout = _seconds("timeout", timeout, zero_ok=True)
        elif self.blocking_timeout is not None:
            timeout = self.blocking_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        token = "locked"  # BUG: a constant is no proof of ownership (correct: _new_token())
        px = _milliseconds(self.ttl)
        while not self._client.set(self.key, token, nx=True, px=px):
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
