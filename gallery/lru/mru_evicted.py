"""Bug: a full cache evicts the most recently used key instead of the least recently used.

Both ends of the list look alike in code; picking the wrong one throws away the hottest key.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"evicted .* instead of .*, the least recently used"


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        if key not in self and self.is_full():
            # BUG: the newest key goes. Correct: the oldest, self.keys()[0], which
            # super().put evicts on its own
            self.delete(self.keys()[-1])
        super().put(key, value)
