"""Bug: one token per instance, not per acquisition: a stale release can free a newer lease.

If this instance's lease expired and the same instance acquired again, a delayed
release() from the first acquisition matches the second one's token. Only
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
    _instance_token: str | None = None  # drawn by the first acquire(), then kept

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        # The reference's acquire(), but for the token.
        if timeout is not None:
            timeout = _seconds("timeout", timeout, zero_ok=True)
        elif self.blocking_timeout is not None:
            timeout = self.blocking_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._instance_token is None:
            self._instance_token = _new_token()
        token = self._instance_token  # BUG: one token for all acquisitions of this instance
        # (correct: token = _new_token(), fresh for every acquisition)
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
