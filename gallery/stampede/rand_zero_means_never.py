"""Bug: rand() returning 0.0 is treated as 1.0, so that reader never recomputes early.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_rand_zero_counts_as_the_smallest_positive_float"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def draw(self) -> float:
        return self.rand() or 1.0  # BUG (correct: self.rand() or math.ulp(0.0))
