"""Bug: acquire() sets the key without PX: the lock of a holder that crashed is never freed.

SET NX alone is atomic, but it is not a lease: a holder that dies (or is partitioned
away) before release() leaves the key for ever, and every later acquire() fails until an
operator deletes it.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_acquire_is_one_set_nx_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"expected NX and PX"


class RedisLock(reference.RedisLock):
    def do_acquire(self, token: str) -> bool:
        # BUG: no PX, no lease (correct: set(self.key, token, nx=True, px=<ttl in ms>))
        return bool(self.client.set(self.key, token, nx=True))
