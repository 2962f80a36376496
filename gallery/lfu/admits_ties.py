"""Bug: a candidate wins its admission contest on a tie (>= instead of >).

Most keys of a scan are seen once, like most keys on probation: with >=, each newcomer
displaces an established key, and a scan flushes the main region as it would an LRU.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestPart3TinyLFU::test_a_tie_keeps_the_victim"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"strictly greater"


class TinyLFUCache(reference.TinyLFUCache):
    def admit(self, candidate: Any, victim: Any) -> bool:
        # BUG: >=. Correct: the candidate must be strictly more frequent than the victim.
        return self.sketch.estimate(candidate) >= self.sketch.estimate(victim)
