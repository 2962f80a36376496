"""Bug: Redlock ignores the validity: a lock that may already have expired counts as held.

With a ttl shorter than the time spent asking plus the drift allowance, the keys may be
gone before acquire() returns; the holder would work without any lock. Only Redlock's
attempt differs from the reference.
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
    RedisLock,
    _milliseconds,
    _new_token,
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
    def _try_once(self) -> bool:
        # The reference's _try_once() (one attempt of acquire()), but for the BUG line.
        token = _new_token()
        px = _milliseconds(self.ttl)
        start = time.monotonic()
        votes = sum(self._set_on(client, token, px) for client in self._clients)
        elapsed = time.monotonic() - start
        validity = self.ttl - elapsed - (self.ttl * CLOCK_DRIFT_FACTOR + CLOCK_DRIFT_FLOOR)
        # BUG: validity may be negative: the lock may be gone (correct: ... and validity > 0)
        if votes >= self.quorum:
            self._token, self._validity = token, validity
            return True
        self._release_all(token)
        return False
