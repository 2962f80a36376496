"""Bug: put() checks "full?" before "already cached?", so replacing a key in a full cache
evicts the least recently used key for nothing.

A replace needs no room: only a new key in a full cache evicts.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"replacing a cached key needs no room|a replace put a new entry"


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        hash(key)  # an unhashable key fails before any change
        # BUG: evicts whenever the cache is full. Correct: only for a new key,
        # if key not in self and self.is_full(), which super().put does on its own
        if self.is_full():
            self.delete(self.keys()[0])
        super().put(key, value)
