"""Bug: Redlock ignores the validity: a lock that may already have expired counts as held.

With a ttl shorter than the time spent asking plus the drift allowance, the keys may be
gone before acquire() returns; the holder would work without any lock. Only Redlock's
decision whether an attempt won differs from the reference.
"""

from __future__ import annotations

from solutions.lock import (
    CLOCK_DRIFT_FACTOR,
    CLOCK_DRIFT_FLOOR,
    REDLOCK_MAX_PAUSE,
    REDLOCK_RETRIES,
    LockError,
    LockNotOwnedError,
    RedisLock,
)
from solutions.lock import Redlock as Reference

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


class Redlock(Reference):
    def _won(self, votes: int, validity: float) -> bool:
        # BUG: validity may be negative: the lock may be gone (correct: ... and validity > 0)
        return votes >= self.quorum
