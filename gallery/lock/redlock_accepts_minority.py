"""Bug: Redlock counts half the servers as enough, so with 3 servers one vote wins.

len(clients) // 2 is one short of a majority: two contenders can each win on their own
half of the servers and both believe they hold the lock. The quorum property is right;
the attempt compares against the wrong number. Only Redlock's attempt differs from the
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
        # BUG: half is not a majority (correct: votes >= self.quorum, len // 2 + 1)
        if votes >= len(self._clients) // 2 and validity > 0:
            self._token, self._validity = token, validity
            return True
        self._release_all(token)
        return False
