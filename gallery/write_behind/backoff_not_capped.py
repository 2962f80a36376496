"""Bug: the backoff doubles with no retry_max cap, so after an outage writes wait for hours.

Twenty failures in a row is a pause of 0.1 * 2 ** 19 seconds: about 14 hours of writes
held in memory after the store came back.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Failures::test_backoff_doubles_from_retry_base_up_to_retry_max"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"wrote at \+\[0\.0, 0\.125, 0\.375, 0\.875, 1\.875"


class WriteBehindCache(reference.WriteBehindCache):
    def retry_delay(self, failures: int) -> float:
        return self.retry_base * 2.0 ** (failures - 1)  # BUG: no min(..., retry_max)
