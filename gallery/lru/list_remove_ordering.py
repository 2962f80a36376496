"""Bug: recency is kept in a Python list, so get() and put() call list.remove(): O(n) each.

The article's tutorial version. Every answer is right, and a cache of 100,000 keys is a
thousand times slower per operation than one of 100. The bug is the data structure, so
this LRUCache is written out whole instead of overriding a method of the reference.
"""

from __future__ import annotations

from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache:
    """A dict for the values and a list for the order, least recently used first."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._data: dict[object, object] = {}
        self._order: list[object] = []  # BUG: a list, where a doubly linked list is O(1)

    @property
    def capacity(self) -> int:
        return self._capacity

    def get(self, key: object, default: object = None) -> object:
        if key not in self._data:
            return default
        self._order.remove(key)  # BUG: list.remove scans the whole list: O(n) per hit
        self._order.append(key)
        return self._data[key]

    def put(self, key: object, value: object) -> None:
        if key in self._data:
            self._order.remove(key)  # O(n) again
        elif len(self._data) >= self._capacity:
            del self._data[self._order.pop(0)]  # pop(0) shifts every other key: O(n)
        self._data[key] = value
        self._order.append(key)

    def delete(self, key: object) -> bool:
        hash(key)  # an unhashable key fails even when the cache is empty
        if key not in self._data:
            return False
        del self._data[key]
        self._order.remove(key)
        return True

    def clear(self) -> None:
        self._data.clear()
        self._order.clear()

    def keys(self) -> list[object]:
        return list(self._order)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data
