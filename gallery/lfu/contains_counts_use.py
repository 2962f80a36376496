"""Bug: `key in cache` counts as a use, so merely asking raises a key's frequency.

Code that checks before it reads (`if key in cache: cache.get(key)`) counts every read
twice, and a key that is only ever checked looks popular.
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"in cache` is not a use"


class LFUCache(reference.LFUCache):
    def __contains__(self, key: object) -> bool:
        entry = self.entry(key)  # type: ignore[arg-type]
        if entry is None:
            return False
        self.touch(entry)  # BUG: `in` is a question, not a use. Correct: return True alone.
        return True
