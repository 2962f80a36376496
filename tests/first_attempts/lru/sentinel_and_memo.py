"""A first attempt with a careful Part 1 (slotted nodes around one sentinel) and a quick
Part 2: a memo dict in front of the LRUCache of Part 1.

Mistakes:
- The wrapper tests its lookup with ``if cached:``: a cached None, 0, "" or False is a
  miss, and the function runs again every time.
- ``typed`` is accepted and then never used in the key.
- Nothing is locked: "the GIL makes each dict operation atomic".
- No ``__reduce__``: pickling a big cache recurses through the nodes.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple


class _Node:
    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key: Any = None, value: Any = None) -> None:
        self.key = key
        self.value = value
        self.prev: _Node = self
        self.next: _Node = self


class LRUCache:
    """sentinel.next is the least recently used node, sentinel.prev the most recent."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, not {capacity}")
        self._capacity = capacity
        self._nodes: dict[Any, _Node] = {}
        self._sentinel = _Node()

    @property
    def capacity(self) -> int:
        return self._capacity

    def _detach(self, node: _Node) -> None:
        node.prev.next = node.next
        node.next.prev = node.prev

    def _attach_last(self, node: _Node) -> None:
        last = self._sentinel.prev
        node.prev, node.next = last, self._sentinel
        last.next = node
        self._sentinel.prev = node

    def get(self, key: Any, default: Any = None) -> Any:
        node = self._nodes.get(key)
        if node is None:
            return default
        self._detach(node)
        self._attach_last(node)
        return node.value

    def put(self, key: Any, value: Any) -> None:
        node = self._nodes.get(key)
        if node is not None:
            node.value = value
            self._detach(node)
            self._attach_last(node)
            return
        if len(self._nodes) == self._capacity:
            oldest = self._sentinel.next
            self._detach(oldest)
            del self._nodes[oldest.key]
        node = _Node(key, value)
        self._nodes[key] = node
        self._attach_last(node)

    def delete(self, key: Any) -> bool:
        if key not in self._nodes:
            return False
        self._detach(self._nodes.pop(key))
        return True

    def clear(self) -> None:
        self._nodes.clear()
        self._sentinel.prev = self._sentinel.next = self._sentinel

    def keys(self) -> list[Any]:
        result = []
        node = self._sentinel.next
        while node is not self._sentinel:
            result.append(node.key)
            node = node.next
        return result

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, key: object) -> bool:
        return key in self._nodes


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


class _Kwargs:
    """Marks where the keyword arguments start in a key."""


def _key_for(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if not kwargs and len(args) == 1 and type(args[0]) in (int, str):
        return args[0]
    if not kwargs:
        return args
    return args + (_Kwargs,) + tuple(kwargs.items())


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if callable(maxsize) and not isinstance(maxsize, int):
        return lru_cache()(maxsize)
    if isinstance(maxsize, bool) or not (maxsize is None or isinstance(maxsize, int)):
        raise TypeError("maxsize must be an int or None")
    size = None if maxsize is None else max(maxsize, 0)

    def decorate(func: Any) -> Any:
        store: Any = {} if size is None else LRUCache(size) if size else None
        counts = [0, 0]  # hits, misses

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if store is None:
                counts[1] += 1
                return func(*args, **kwargs)
            key = _key_for(args, kwargs)
            cached = store.get(key)
            if cached:
                counts[0] += 1
                return cached
            counts[1] += 1
            result = func(*args, **kwargs)
            if isinstance(store, dict):
                store[key] = result
            elif key not in store:
                store.put(key, result)
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(counts[0], counts[1], size, len(store) if store else 0)

        def cache_clear() -> None:
            if store is not None:
                store.clear()
            counts[:] = [0, 0]

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_parameters = lambda: {"maxsize": size, "typed": bool(typed)}  # type: ignore[attr-defined]
        return wrapper

    return decorate


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Decorator::test_falsy_results_are_hits"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a cached None is a hit"
LOOKS_LIKE = ("falsy_result_is_miss",)
