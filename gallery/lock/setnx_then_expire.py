"""Bug: acquire() is SETNX then PEXPIRE: a crash in between leaves a lock that never expires.

The seed article's lock. Between the two round trips the holder can die (or the
connection drop), and the key then has no TTL: nobody ever gets the lock again. Only RedisLock's
attempt to take the key differs from the reference.
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
    _milliseconds,
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
    def _try_set(self, token: str) -> bool:
        # BUG: two commands; a crash between SETNX and PEXPIRE leaves a lock with no TTL
        # (correct: one atomic SET key token NX PX ttl)
        return bool(
            self._client.setnx(self.key, token)
            and self._client.pexpire(self.key, _milliseconds(self.ttl))
        )
