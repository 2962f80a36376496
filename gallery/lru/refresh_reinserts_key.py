"""Bug: a hit refreshes by deleting and re-inserting the entry, so the key passed to get()
replaces the key object stored first.

The dict idiom ``d[key] = d.pop(key)`` does the same: after put(1, v) and get(1.0),
keys() lists 1.0. A hit moves the entry it found, key object and all, as a dict keeps the
key it stored first.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a hit changed the key object"

_ABSENT = object()


class LRUCache(reference.LRUCache):
    def get(self, key: object, default: object = None) -> object:
        value = self.peek(key, _ABSENT)
        if value is _ABSENT:
            return default
        # BUG: a new entry under the key passed in. Correct: return super().get(key,
        # default), which moves the entry it found
        self.delete(key)
        self.put(key, value)
        return value
