"""Bug: an L1 hit does not make the key most recently used, so L1 evicts in insertion order.

That is FIFO, not LRU: the hottest key is evicted as soon as it is the oldest inserted.
"""

from __future__ import annotations

from solutions.multilevel import LocalLRU
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_evicts_the_least_recently_used_key"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "a and c should be in L1"


class FifoLRU(LocalLRU):
    __slots__ = ()

    def on_hit(self, key: str) -> None:
        pass  # BUG: a hit does not count as a use (correct: move the key to the MRU end)


class MultiLevelCache(Reference):
    l1_type = FifoLRU
