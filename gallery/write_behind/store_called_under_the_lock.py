"""Bug: the store is called under the cache's lock, so every put waits for the store.

Write-behind exists to acknowledge writes at once; with the lock held across a slow (or
stalled) store call, every writer and reader waits for it.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Threads::test_put_and_get_do_not_wait_for_a_stalled_flush"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"did not return within"


class WriteBehindCache(reference.WriteBehindCache):
    def write_batch(self, batch: reference.Batch) -> None:
        with self.lock:  # BUG: the store call under the lock puts and gets need
            super().write_batch(batch)
