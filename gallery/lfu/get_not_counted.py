"""Bug: get() returns the value without counting a use, so reads never make a key worth keeping.

Only puts count: a key read a thousand times is evicted like a key put once and never
read again. The cache ranks keys by how often they were written.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"was a hit, which counts as a use"


class LFUCache(reference.LFUCache):
    def get(self, key: Any, default: Any = None) -> Any:
        entry = self.entry(key)
        if entry is None:
            return default
        # BUG: a hit is not counted. Correct: self.touch(entry) before returning the value.
        return entry.value
