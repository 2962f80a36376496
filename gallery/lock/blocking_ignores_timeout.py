"""Bug: blocking acquire() ignores the timeout and waits until it gets the lock.

The timeout (or the instance's blocking_timeout) is checked and then forgotten: a caller
that asked to give up after a second hangs for as long as somebody else holds the lock.
Only RedisLock's wait between attempts differs from the reference.
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
    def _wait(self, deadline: float | None) -> bool:
        # BUG: never looks at the deadline (correct: return False once time.monotonic()
        # has passed it, and sleep no later than it)
        time.sleep(self.retry_interval)
        return True
