"""Bug: eviction picks the least recently used key, whatever its frequency: an LRU cache.

Every use is counted, and keys() even lists the right order, but the victim is chosen by
the last use alone: a key used a hundred times goes before a key used once, just because
the once-used key was touched more recently.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"higher than .*: the least frequently used key goes first"


class LFUCache(reference.LFUCache):
    def evict(self) -> Any:
        entries = [self.entry(key) for key in self.keys()]
        # BUG: recency alone. Correct: the lowest frequency first, recency only among equals
        # (the first entry in keys() order).
        oldest = min(entries, key=lambda entry: entry.tick)
        self.delete(oldest.key)
        return oldest
