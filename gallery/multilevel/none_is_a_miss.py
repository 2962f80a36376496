"""Bug: a None read back from L2 is taken for a miss, so a cached None is never served.

None is a value like any other: a loader that returns None (no such user) is called
again on every read that reaches L2, and get() answers the default instead of None.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MISSING
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_values_round_trip_through_both_levels"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"returned MISSING\b.*expected None"


class MultiLevelCache(Reference):
    def read_l2(self, operation: str, key: str) -> Any:
        value = super().read_l2(operation, key)
        return MISSING if value is None else value  # BUG: None is a value (correct: value)
