"""Bug: a decay halves frequencies to 0 (1 // 2), below the 1 every cached key has.

A key used once is worth less after a decay than a key never used; such keys fall behind
new keys in the eviction order, and a frequency of 0 reads as "not cached".
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestDecayMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"is 0, expected 1 \(that was operation"


class LFUCache(reference.LFUCache):
    def decayed(self, frequency: int) -> int:
        return frequency // 2  # BUG: no floor. Correct: max(frequency // 2, 1)
