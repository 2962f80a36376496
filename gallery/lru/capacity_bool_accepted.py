"""Bug: LRUCache(True) is accepted as a capacity of 1, because bool is a subclass of int.

``isinstance(True, int)`` is true: a type check for an int count has to turn bools away
explicitly, or a flag passed by mistake becomes a size.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestPart1LRUCache::test_capacity_of_the_wrong_type"
KILLED_WITH = "Failed"


class LRUCache(reference.LRUCache):
    @staticmethod
    def check_capacity(capacity: object) -> int:
        # BUG: True and False pass as ints. Correct:
        # if isinstance(capacity, bool) or not isinstance(capacity, int):
        if not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        return capacity
