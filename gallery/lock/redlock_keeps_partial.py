"""Bug: a failed Redlock attempt keeps the keys it set, blocking everyone until they expire.

Without a quorum the attempt has failed, but the servers that said yes still hold its
token for a whole ttl: the next contenders (this one's own retries included) find a
minority of servers taken and can fail too. Only Redlock's attempt differs from the
reference.
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
        if votes >= self.quorum and validity > 0:
            self._token, self._validity = token, validity
            return True
        # BUG: the servers that said yes keep our key for a whole ttl
        # (correct: self._release_all(token) before returning False)
        return False
