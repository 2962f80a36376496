"""Bug: __exit__ swallows LockNotOwnedError: a block that outlived its lease looks fine.

If the lease expired during the with-block, another process may have held the lock at
the same time; the caller must hear about it (unless the block is already raising its own
exception).
"""

from __future__ import annotations

from types import TracebackType

from solutions import lock as reference

KILLED_BY = "TestPart1ContextManager::test_exit_surfaces_lock_not_owned"
KILLED_WITH = "AssertionError"


class RedisLock(reference.RedisLock):
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.release()
        except reference.LockNotOwnedError:
            # BUG: the caller never learns that another holder may have overlapped
            # (correct: re-raise when exc_type is None, i.e. the block itself did not raise)
            pass
