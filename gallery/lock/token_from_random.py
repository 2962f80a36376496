"""Bug: the token comes from the `random` module, which is reproducible and predictable.

`random` is a Mersenne Twister: reproducible from its seed and predictable from its
outputs. Tokens that prove ownership come from `secrets` (the OS's randomness). Only RedisLock's
token differs from the reference.
"""

from __future__ import annotations

import random

from solutions.lock import (
    CLOCK_DRIFT_FACTOR,
    CLOCK_DRIFT_FLOOR,
    REDLOCK_MAX_PAUSE,
    REDLOCK_RETRIES,
    TOKEN_BYTES,
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
        # BUG: predictable randomness (correct: secrets.token_hex(TOKEN_BYTES))
        return f"{random.getrandbits(8 * TOKEN_BYTES):032x}"
