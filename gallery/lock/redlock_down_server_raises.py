"""Bug: a Redlock server that is down makes acquire() raise instead of counting as a no.

Redlock exists to survive a minority of failed servers; letting one ConnectionError
escape turns any single outage into an outage of the lock. Only Redlock's per-server SET
differs from the reference.
"""

from __future__ import annotations

import redis

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
    def _set_on(self, client: redis.Redis, token: str, px: int) -> bool:
        # BUG: errors escape (correct: except redis.RedisError: return False)
        return bool(client.set(self.key, token, nx=True, px=px))
