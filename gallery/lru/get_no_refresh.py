"""Bug: get() does not refresh recency, so a hot key is evicted as if it were never read.

The cache degrades to FIFO: eviction follows insertion order, whatever the reads.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"recency order is wrong: .* after get\("


class LRUCache(reference.LRUCache):
    def get(self, key: object, default: object = None) -> object:
        # BUG: reads the value where it stands. Correct: return super().get(key, default),
        # which also makes key the most recently used
        return self.peek(key, default)
