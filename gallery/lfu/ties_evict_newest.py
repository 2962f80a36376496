"""Bug: among the least frequently used keys it evicts the most recently used one.

The frequency bucket is used as a stack (pop from the end) instead of a queue: of two keys
used once, the one just inserted goes, and the one that has sat unused for longest stays.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"used more recently: among equal frequencies the least recently used"


class LFUCache(reference.LFUCache):
    def evict(self) -> Any:
        order = self.keys()
        least = self.frequency(order[0])
        tied = [key for key in order if self.frequency(key) == least]
        victim = tied[-1]  # BUG: the newest of the tied keys. Correct: tied[0], the oldest
        entry = self.entry(victim)
        self.delete(victim)
        return entry
