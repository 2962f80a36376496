"""Bug: no admission filter: every key pushed out of the window enters the main region.

What is left is a window in front of a segmented LRU: keys used twice are protected, but
the probation segment turns over with every scan, and the sketch is kept for nothing.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestPart3TinyLFU::test_a_tie_keeps_the_victim"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"strictly greater"


class TinyLFUCache(reference.TinyLFUCache):
    def admit(self, candidate: Any, victim: Any) -> bool:
        return True  # BUG: no contest. Correct: estimate(candidate) > estimate(victim)
