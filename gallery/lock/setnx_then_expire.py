"""Bug: acquire() is SETNX then PEXPIRE: a crash in between leaves a lock that never expires.

The lock of many tutorials. Between the two round trips the holder can die (or the
connection drop), and the key then has no TTL: nobody ever gets the lock again.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_acquire_is_one_set_nx_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"sent SETNX"


class RedisLock(reference.RedisLock):
    def do_acquire(self, token: str) -> int | None:
        # BUG: two commands; a crash between SETNX and PEXPIRE leaves a lock with no TTL
        # (correct: one atomic SET key token NX PX ttl, here with the INCR in one script)
        if not self.client.setnx(self.key, token):
            return None
        self.client.pexpire(self.key, self.to_milliseconds(self.ttl))
        return int(self.client.incr(self.fence_key))
