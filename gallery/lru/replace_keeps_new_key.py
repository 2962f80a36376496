"""Bug: put() replaces a key by deleting and re-inserting it, so the new key object wins.

After put(1, a) and put(1.0, b), keys() lists 1.0: a dict keeps the key object it stored
first (1), and so must a mapping that follows dict rules.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a replace put a new entry"


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        # BUG: the stored key object is thrown away with its entry. Correct: only
        # super().put(key, value), which replaces the value in place
        self.delete(key)
        super().put(key, value)
