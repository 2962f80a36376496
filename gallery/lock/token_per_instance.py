"""Bug: one token per instance, not per acquisition: a stale release can free a newer lease.

If this instance's lease expired and the same instance acquired again, a delayed
release() from the first acquisition matches the second one's token. Only RedisLock's
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
    _instance_token: str | None = None  # drawn by the first acquire(), then kept

    def _new_token(self) -> str:
        if self._instance_token is None:
            self._instance_token = super()._new_token()
        # BUG: one token for all acquisitions of this instance (correct: a fresh one each)
        return self._instance_token
