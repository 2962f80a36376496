"""Bug: the token is the acquisition time: neither unique (same instant) nor secret.

Two acquisitions in the same clock tick (coarse clocks make that common) write the same
token, and anyone who can guess the time can forge it. Only RedisLock's token
differs from the reference.
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
    def _new_token(self) -> str:
        # BUG: the time is neither unique nor secret (correct: secrets.token_hex(16))
        return f"{time.time_ns():032d}"
