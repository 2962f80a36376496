"""Bug: put() inserts the new key first and evicts after, so the new key can evict itself.

The new key has frequency 1. When every other key has been used more often, it is the
least frequently used key once inserted, and the eviction that follows removes it: a put
that leaves the cache without the key just put.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the new key is never the one evicted"


class LFUCache(reference.LFUCache):
    def put(self, key: Any, value: Any) -> None:
        if self.entry(key) is not None:
            super().put(key, value)
            return
        self.insert(key, value)
        if len(self) > self.capacity:
            self.evict()  # BUG: evicts after inserting. Correct: evict first, then insert.
