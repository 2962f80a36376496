"""Bug: every acquisition writes the same token, so any instance can release anyone's lock.

The token is the proof of ownership that release() and extend() compare against. When
every holder writes "locked", a holder whose lease expired (or any other instance that
once acquired) passes the compare and deletes the current holder's lock. Only RedisLock's
token differs from the reference.
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
    def _new_token(self) -> str:
        return "locked"  # BUG: a constant is no proof of ownership (correct: a fresh random one)
