"""Bug: __exit__ swallows LockNotOwnedError: a block that outlived its lease looks fine.

If the lease expired during the with-block, another process may have held the lock at
the same time; the caller must hear about it (unless the block is already raising its own
exception). Only RedisLock.__exit__ differs from the reference.
"""

from __future__ import annotations

from types import TracebackType

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
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.release()
        except LockNotOwnedError:
            # BUG: the caller never learns that another holder may have overlapped
            # (correct: re-raise when exc_type is None, i.e. the block itself did not raise)
            pass
