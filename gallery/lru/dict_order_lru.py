"""Bug: the recency order is a plain dict's insertion order: pop and re-insert to refresh,
evict next(iter(d)).

Neat, correct, and O(1) on average until a long run of evictions: each deleted first key
leaves a hole at the front of the dict, and next(iter(d)) walks over every hole until the
dict is rebuilt. A scan of new keys through a cache of 100,000 keys slows down a hundredfold.
The bug is the data structure, so this LRUCache is written out whole.
"""

from __future__ import annotations

# Its mixed operations are about 20 times slower at 100,000 keys, just around that test's
# limit; the long run of evictions is a hundred times slower.
KILLED_BY = ("TestPart3ConstantTime::test_operations_stay_constant_time_as_the_cache_grows",
             "TestPart3ConstantTime::test_a_long_run_of_new_keys_stays_constant_time")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"eviction must be O\(1\)|something scans the entries"

class LRUCache:
    """A dict whose insertion order is the recency order, least recently used first.

    Each value is stored as (key, value), so that a refresh re-inserts the key object
    stored first, as a dict update would keep it.
    """

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._data: dict[object, tuple[object, object]] = {}

    @property
    def capacity(self) -> int:
        return self._capacity

    def get(self, key: object, default: object = None) -> object:
        data = self._data
        if key not in data:  # `in` hashes the key even when the dict is empty
            return default
        entry = data.pop(key)
        data[entry[0]] = entry  # re-inserted: now the last, the most recently used
        return entry[1]

    def put(self, key: object, value: object) -> None:
        data = self._data
        if key in data:
            stored = data.pop(key)[0]
            data[stored] = (stored, value)
            return
        if len(data) >= self._capacity:
            del data[next(iter(data))]  # BUG: walks over every hole at the front of the dict
        data[key] = (key, value)

    def delete(self, key: object) -> bool:
        hash(key)  # an unhashable key fails even when the cache is empty
        return self._data.pop(key, None) is not None

    def clear(self) -> None:
        self._data.clear()

    def keys(self) -> list[object]:
        return list(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._capacity,), dict(self._data.values()))

    def __setstate__(self, items: dict[object, object]) -> None:
        for key, value in items.items():
            self.put(key, value)
