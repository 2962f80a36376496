"""Bug: the capacity test is off by one the other way: it evicts at capacity - 1 keys.

One slot is never used (except with capacity 1): every eviction comes one key early.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"although the cache had room"


class LRUCache(reference.LRUCache):
    def is_full(self) -> bool:
        # BUG: full one key early. Correct: return len(self) >= self.capacity
        return len(self) >= max(self.capacity - 1, 1)
