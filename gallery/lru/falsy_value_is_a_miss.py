"""Bug: get() answers `value or default`, so a cached None, 0, "" or False reads as a miss.

The value was stored, and even refreshed: only the answer lies. A miss has to be told
apart with a sentinel (or `in`), never by the value's truth.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a cached falsy value is a hit"


class LRUCache(reference.LRUCache):
    def get(self, key: object, default: object = None) -> object:
        value = super().get(key)
        # BUG: a falsy value looks like a miss. Correct: return super().get(key, default)
        return value or default
