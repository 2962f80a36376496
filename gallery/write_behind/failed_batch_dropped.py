"""Bug: a batch the store refused is forgotten: acknowledged writes are lost.

The keys left the buffer when the batch was taken; on failure they must go back, in front,
with their times. Here only the backoff is started.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Failures::test_backoff_doubles_from_retry_base_up_to_retry_max"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"no longer pending|now pending\(\) is 0"


class WriteBehindCache(reference.WriteBehindCache):
    def batch_failed(self, batch: reference.Batch, now: float) -> None:
        for key in batch.values:
            del self.in_flight[key]
        # BUG: the batch is not put back (correct: batch.since first, then the waiting keys)
        self.failures += 1
        self.retry_at = now + self.retry_delay(self.failures)
