"""Bug: a write is due only once strictly more than flush_interval has passed.

The contract says due at ``clock() - first >= flush_interval``: ``>`` writes one tick late,
and with a timer that fires exactly every flush_interval, one whole interval late.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Buffering::test_flush_due_waits_exactly_flush_interval"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def is_due(self, now: float) -> bool:
        if not self.waiting:
            return False
        if self.failures:
            return now >= self.retry_at
        oldest = next(iter(self.waiting.values()))
        # BUG: > (correct: now - oldest >= self.flush_interval)
        return len(self.waiting) >= self.max_batch or now - oldest > self.flush_interval
