"""Bug: rand() returning 0.0 is passed on as is: ValueError (log of zero) on a hit.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_rand_zero_counts_as_the_smallest_positive_float"
KILLED_WITH = "ValueError"


class StampedeCache(Reference):
    def draw(self) -> float:
        return self.rand()  # BUG: 0.0 kept (correct: self.rand() or math.ulp(0.0))
