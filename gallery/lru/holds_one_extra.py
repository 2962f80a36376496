"""Bug: the capacity test is off by one: the cache holds capacity + 1 keys before evicting.

``>`` versus ``>=`` in the "is it full?" test: every eviction then comes one key late.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"more than its capacity"


class LRUCache(reference.LRUCache):
    def is_full(self) -> bool:
        return len(self) > self.capacity  # BUG: one key too many. Correct: >=
