"""Bug: put() of a cached key replaces the value but does not count a use.

LeetCode 460, and this kata, count a write to a present key as a use, like a read: a key
updated all the time is in use. Here it keeps its old frequency and is evicted early.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"replaced the value of a cached key, which counts as a use"


class LFUCache(reference.LFUCache):
    def put(self, key: Any, value: Any) -> None:
        entry = self.entry(key)
        if entry is not None:
            entry.value = value  # BUG: no use counted. Correct: then self.touch(entry)
            return
        super().put(key, value)
