"""A first attempt in the textbook style: Node objects between dummy head and tail nodes.

Mistakes, in the order a learner meets them:
- ``LRUCache(True)`` is accepted: the type check is ``isinstance(capacity, int)`` only.
- The decorator holds one plain lock for the whole call, the user function included:
  recursion through the decorated name deadlocks, and threads queue behind a slow call.
- Keyword arguments are sorted into the key (``f(a=1, b=2)`` and ``f(b=2, a=1)`` merge).
- ``LRUCache`` has no ``__reduce__``: pickling a big cache recurses through the nodes.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from functools import update_wrapper
from typing import Any, NamedTuple


class Node:
    def __init__(self, key: Any = None, value: Any = None) -> None:
        self.key = key
        self.value = value
        self.prev: Node | None = None
        self.next: Node | None = None


class LRUCache:
    def __init__(self, capacity: int) -> None:
        if not isinstance(capacity, int):
            raise TypeError("capacity must be an int")
        if capacity < 1:
            raise ValueError("capacity must be >= 1")
        self._capacity = capacity
        self.map: dict[Hashable, Node] = {}
        # head.next is the most recently used node, tail.prev the least recently used
        self.head = Node()
        self.tail = Node()
        self.head.next = self.tail
        self.tail.prev = self.head

    @property
    def capacity(self) -> int:
        return self._capacity

    def _remove(self, node: Node) -> None:
        node.prev.next = node.next  # type: ignore[union-attr]
        node.next.prev = node.prev  # type: ignore[union-attr]

    def _add_front(self, node: Node) -> None:
        node.next = self.head.next
        node.prev = self.head
        self.head.next.prev = node  # type: ignore[union-attr]
        self.head.next = node

    def get(self, key: Hashable, default: Any = None) -> Any:
        node = self.map.get(key)
        if node is None:
            return default
        self._remove(node)
        self._add_front(node)
        return node.value

    def put(self, key: Hashable, value: Any) -> None:
        node = self.map.get(key)
        if node is not None:
            node.value = value
            self._remove(node)
            self._add_front(node)
            return
        if len(self.map) >= self._capacity:
            lru = self.tail.prev
            self._remove(lru)  # type: ignore[arg-type]
            del self.map[lru.key]  # type: ignore[union-attr]
        node = Node(key, value)
        self.map[key] = node
        self._add_front(node)

    def delete(self, key: Hashable) -> bool:
        hash(key)
        node = self.map.pop(key, None)
        if node is None:
            return False
        self._remove(node)
        return True

    def clear(self) -> None:
        self.map.clear()
        self.head.next = self.tail
        self.tail.prev = self.head

    def keys(self) -> list[Hashable]:
        out = []
        node = self.tail.prev
        while node is not self.head:
            out.append(node.key)  # type: ignore[union-attr]
            node = node.prev  # type: ignore[union-attr]
        return out

    def __len__(self) -> int:
        return len(self.map)

    def __contains__(self, key: object) -> bool:
        return key in self.map


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


_MARK = object()
_NOT_FOUND = object()


def _key(args: tuple[Any, ...], kwargs: dict[str, Any], typed: bool) -> Hashable:
    if not kwargs and not typed and len(args) == 1 and type(args[0]) in (int, str):
        return args[0]
    key: tuple[Any, ...] = args
    if kwargs:
        key += (_MARK,) + tuple(sorted(kwargs.items()))
    if typed:
        key += tuple(type(a) for a in args) + tuple(type(v) for _, v in sorted(kwargs.items()))
    return key


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if callable(maxsize) and not isinstance(maxsize, int):
        return lru_cache()(maxsize)
    if isinstance(maxsize, bool) or not (maxsize is None or isinstance(maxsize, int)):
        raise TypeError("maxsize must be an int or None")
    if maxsize is not None and maxsize < 0:
        maxsize = 0

    def decorator(func: Any) -> Any:
        lock = threading.Lock()
        store: Any = {} if maxsize is None else LRUCache(maxsize) if maxsize > 0 else None
        hits = misses = 0

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal hits, misses
            with lock:
                if store is None:
                    misses += 1
                    return func(*args, **kwargs)
                key = _key(args, kwargs, typed)
                result = store.get(key, _NOT_FOUND)
                if result is not _NOT_FOUND:
                    hits += 1
                    return result
                misses += 1
                result = func(*args, **kwargs)
                if isinstance(store, dict):
                    store[key] = result
                else:
                    store.put(key, result)
                return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, maxsize, len(store) if store is not None else 0)

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                if store is not None:
                    store.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_parameters = lambda: {"maxsize": maxsize, "typed": bool(typed)}  # type: ignore[attr-defined]
        return update_wrapper(wrapper, func)

    return decorator


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1LRUCache::test_capacity_of_the_wrong_type"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"LRUCache\(True\).* did not raise TypeError"
LOOKS_LIKE = ("capacity_bool_accepted",)
