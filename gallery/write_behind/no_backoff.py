"""Bug: a failed flush is retried on the very next flush_due(), hammering a store that is down.

Without a backoff every timer tick sends the whole buffer to a store that is failing,
which is often what keeps it down.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Failures::test_backoff_doubles_from_retry_base_up_to_retry_max"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"wrote at \+\[0\.0, 0\.03125"


class WriteBehindCache(reference.WriteBehindCache):
    def retry_delay(self, failures: int) -> float:
        return 0.0  # BUG: no pause (correct: min(retry_base * 2 ** (n - 1), retry_max))
