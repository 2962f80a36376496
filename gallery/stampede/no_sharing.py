"""Bug: every caller runs fn itself; concurrent callers never share the call in flight.

The in-flight table is written but never consulted, so a hundred concurrent misses still
make a hundred calls: exactly the stampede single-flight exists to stop.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_concurrent_callers_share_one_execution_and_the_same_object"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"fn ran \d+ times"


class SingleFlight(Reference):
    def claim(self, key: Hashable) -> tuple[Call[Any], bool]:
        call, _ = super().claim(key)
        return call, True  # BUG: every caller leads (correct: return call, leader)
