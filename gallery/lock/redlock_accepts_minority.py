"""Bug: Redlock counts half the servers as enough, so with 3 servers one vote wins.

len(clients) // 2 is one short of a majority: two contenders can each win on their own
half of the servers and both believe they hold the lock. The quorum property is right;
the attempt compares against the wrong number. Only Redlock's decision whether an attempt
won differs from the reference.
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
        # BUG: half is not a majority (correct: votes >= self.quorum, len // 2 + 1)
        return votes >= len(self._clients) // 2 and validity > 0
