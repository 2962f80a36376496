"""Bug: LRUCache(True) is accepted as a capacity of 1, because bool is a subclass of int.

``isinstance(True, int)`` is true: a type check for an int count has to turn bools away
explicitly, or a flag passed by mistake becomes a size.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, _Link, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def __init__(self, capacity: int) -> None:
        # BUG: True and False pass as ints. Correct:
        # if isinstance(capacity, bool) or not isinstance(capacity, int):
        if not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._links: dict[object, _Link] = {}
        self._root = _Link()
