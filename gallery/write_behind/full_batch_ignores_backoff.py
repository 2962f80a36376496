"""Bug: a put that fills a batch flushes even while a retry is being waited for.

The backoff protects a failing store; a writer that keeps the buffer full sends it a batch
on every put anyway.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart2Failures::test_backoff_also_holds_back_a_full_batch"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def put(self, key: str, value: Any) -> None:
        super().put(key, value)
        if self.pending() >= self.max_batch:  # BUG: whatever the backoff says
            # (correct: only when no retry is being waited for)
            try:
                self.flush()
            except Exception:
                pass
