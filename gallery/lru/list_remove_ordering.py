"""Bug: recency is kept in a Python list, so get() and put() call list.remove(): O(n) each.

The common tutorial version. Every answer is right, and a cache of 100,000 keys is a
thousand times slower per operation than one of 100. The bug is the data structure, so
this LRUCache is written out whole instead of overriding a method of the reference.
"""

from __future__ import annotations

KILLED_BY = "TestPart3ConstantTime::test_operations_stay_constant_time_as_the_cache_grows"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"something scans the entries"


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
        self._refresh(key)
        return self._data[key]

    def _refresh(self, key: object) -> None:
        # BUG: index() and pop() scan and shift the whole list: O(n) per hit
        self._order.append(self._order.pop(self._order.index(key)))

    def put(self, key: object, value: object) -> None:
        if key in self._data:
            self._refresh(key)  # O(n) again
            self._data[key] = value
            return
        if len(self._data) >= self._capacity:
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

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._capacity,), {k: self._data[k] for k in self._order})

    def __setstate__(self, items: dict[object, object]) -> None:
        for key, value in items.items():
            self.put(key, value)
