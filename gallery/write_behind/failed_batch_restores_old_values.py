"""Bug: a failed batch is put back with the values it carried, undoing writes made meanwhile.

While the batch was in flight a newer value of one of its keys was written; restoring the
batch's (older) value over it loses that acknowledged write, and readers see time go back.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Threads::test_a_failed_flight_does_not_undo_a_newer_write"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def batch_failed(self, batch: reference.Batch, now: float) -> None:
        super().batch_failed(batch, now)
        self.values.update(batch.values)  # BUG: older values over newer writes
        # (correct: the cache already holds each key's latest value; leave it)
