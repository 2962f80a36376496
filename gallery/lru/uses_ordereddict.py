"""Bug: LRUCache is built on collections.OrderedDict, which the kata forbids.

It behaves correctly; the point of the kata is the hash map plus hand-written linked list
that OrderedDict hides (and that an interviewer asks for once OrderedDict is mentioned).
The bug is the data structure, so this LRUCache is written out whole.
"""

from __future__ import annotations

from collections import OrderedDict

KILLED_BY = "TestPart1FromScratch::test_source_uses_no_ordereddict_nor_functools_cache"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"OrderedDict"

_ABSENT = object()


class LRUCache:
    """An LRU cache on OrderedDict: correct, but not from scratch."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._data: OrderedDict[object, object] = OrderedDict()  # BUG: forbidden by the kata

    @property
    def capacity(self) -> int:
        return self._capacity

    def get(self, key: object, default: object = None) -> object:
        if key not in self._data:
            return default
        self._data.move_to_end(key)
        return self._data[key]

    def put(self, key: object, value: object) -> None:
        if key in self._data:
            self._data.move_to_end(key)
        elif len(self._data) >= self._capacity:
            self._data.popitem(last=False)
        self._data[key] = value

    def delete(self, key: object) -> bool:
        hash(key)  # an unhashable key fails even when the cache is empty
        return self._data.pop(key, _ABSENT) is not _ABSENT

    def clear(self) -> None:
        self._data.clear()

    def keys(self) -> list[object]:
        return list(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data
