"""Bug: a failed Redlock attempt keeps the keys it set, blocking everyone until they expire.

Without a quorum the attempt has failed, but the servers that said yes still hold its
token for a whole ttl: the next contenders (this one's own retries included) find a
minority of servers taken and can fail too. Only Redlock's undoing of a failed
attempt differs from the reference.
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
    def _abandon(self, token: str) -> None:
        # BUG: the servers that said yes keep our key for a whole ttl
        # (correct: self._release_all(token))
        pass
