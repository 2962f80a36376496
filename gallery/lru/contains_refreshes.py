"""Bug: `key in cache` goes through get(), which makes the key most recently used.

Checking for a key is not using it: `in` must leave the recency order alone.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"recency order is wrong: .* after \S+ in cache"

_ABSENT = object()


class LRUCache(reference.LRUCache):
    def __contains__(self, key: object) -> bool:
        # BUG: get() refreshes the key. Correct: self.peek(key, _ABSENT) is not _ABSENT
        return self.get(key, _ABSENT) is not _ABSENT
