"""Bug: owned() trusts the instance's memory: still True after the lease expired or moved.

Only Redis knows whether the key still holds this instance's token; the token in memory
only says that this instance once acquired. Only RedisLock.owned() differs from the
reference.
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
    def owned(self) -> bool:
        # BUG: Redis may have expired the key or given it to another holder
        # (correct: GET the key and compare it with this instance's token)
        return self._token is not None
