"""Bug: the fencing token is counted per instance, so it does not increase across holders.

Storage that rejects writes carrying a fence number below the highest it has seen only
works if every holder, in every process, draws from the one counter in Redis. Here each
instance counts its own acquisitions: a second instance starts again at 1. Only
RedisLock.acquire() differs from the reference.
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
    _acquisitions = 0  # this instance's own count

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not super().acquire(blocking, timeout):  # the reference's, fence INCR included
            return False
        self._acquisitions += 1
        # BUG: the number INCR returned is replaced by this instance's own count, and another
        # instance counts from 1 too (correct: keep what INCR on lock:<name>:fence returned)
        self._fencing_token = self._acquisitions
        return True
