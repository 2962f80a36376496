"""A first attempt: a hand-written doubly linked list for recency, a heap for expiry.

Mistakes in it:
1. The nodes of the linked list are pickled and deep-copied one inside the next: a cache of
   100,000 entries raises RecursionError when copied.
2. ttl_cache tests the cached value for truth (`if cached:`): None, 0, "" and False are
   misses, recomputed on every call.
3. ttl_cache holds a plain Lock while it looks a key up, so an argument whose __eq__ calls
   the function deadlocks.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable
from functools import update_wrapper
from threading import Lock
from typing import Any, NamedTuple

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]

MISSING = object()


class Node:
    __slots__ = ("expires", "key", "next", "prev", "value")

    def __init__(self, key: Any = None, value: Any = None, expires: float = 0.0) -> None:
        self.key, self.value, self.expires = key, value, expires
        self.prev: Node = self
        self.next: Node = self


def check_ttl(ttl: Any) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, int | float):
        raise TypeError(f"ttl: expected a number of seconds, got {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"ttl: expected a positive finite number, got {ttl}")
    return float(ttl)


class TTLCache:
    def __init__(self, maxsize: int = 128, ttl: float = 60.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int):
            raise TypeError(f"maxsize: expected an int, got {type(maxsize).__name__}")
        if maxsize < 1:
            raise ValueError(f"maxsize: expected at least 1, got {maxsize}")
        self.maxsize = maxsize
        self.ttl = check_ttl(ttl)
        self.clock = clock
        self.nodes: dict[Any, Node] = {}
        self.head = Node()  # head.next is the least recently used, head.prev the most
        self.heap: list[tuple[float, int, Node]] = []
        self.ids = itertools.count()

    # the list
    def _unlink(self, node: Node) -> None:
        node.prev.next = node.next
        node.next.prev = node.prev

    def _append(self, node: Node) -> None:
        last = self.head.prev
        node.prev, node.next = last, self.head
        last.next = self.head.prev = node

    def _remove(self, node: Node) -> None:
        self._unlink(node)
        del self.nodes[node.key]

    def _reap(self, now: float) -> int:
        count = 0
        while self.heap and self.heap[0][0] <= now:
            _, _, node = heapq.heappop(self.heap)
            if self.nodes.get(node.key) is node:
                self._remove(node)
                count += 1
        if len(self.heap) > 2 * len(self.nodes) + 16:
            self.heap = [(n.expires, next(self.ids), n) for n in self.nodes.values()]
            heapq.heapify(self.heap)
        return count

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        seconds = self.ttl if ttl is None else check_ttl(ttl)
        now = self.clock()
        old = self.nodes.get(key)
        self._reap(now)
        old = self.nodes.get(key)
        if old is not None:
            self._remove(old)
        elif len(self.nodes) >= self.maxsize:
            self._remove(self.head.next)
        node = Node(key, value, now + seconds)
        self.nodes[key] = node
        self._append(node)
        heapq.heappush(self.heap, (node.expires, next(self.ids), node))

    def _find(self, key: Any) -> Node | None:
        node = self.nodes.get(key)
        if node is None or self.clock() >= node.expires:
            return None
        return node

    def get(self, key: Any, default: Any = None) -> Any:
        node = self._find(key)
        if node is None:
            return default
        self._unlink(node)
        self._append(node)
        return node.value

    def remaining(self, key: Any) -> float | None:
        node = self._find(key)
        return None if node is None else node.expires - self.clock()

    def delete(self, key: Any) -> bool:
        node = self.nodes.get(key)
        if node is None:
            return False
        self._remove(node)
        return self.clock() < node.expires

    def expire(self) -> int:
        return self._reap(self.clock())

    def clear(self) -> None:
        self.nodes.clear()
        self.heap.clear()
        self.head.prev = self.head.next = self.head

    def __len__(self) -> int:
        self._reap(self.clock())
        return len(self.nodes)

    def __contains__(self, key: object) -> bool:
        return self._find(key) is not None


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _HashedKey(tuple):  # type: ignore[type-arg]
    def __init__(self, items: tuple[Any, ...]) -> None:
        self.hashvalue = hash(items)

    def __hash__(self) -> int:
        return self.hashvalue


_MARK = ("<kwargs>", object())


def ttl_cache(maxsize: int = 128, ttl: float = 60.0, *,
              clock: Callable[[], float] = time.monotonic, typed: bool = False) -> Any:
    TTLCache(maxsize, ttl, clock=clock)

    def decorate(function: Callable[..., Any]) -> Any:
        cache = TTLCache(maxsize, ttl, clock=clock)
        lock = Lock()
        hits = misses = 0

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal hits, misses
            items = args
            if kwargs:
                items += _MARK + tuple(kwargs.items())
            if typed:
                items += tuple(type(a) for a in args) + tuple(type(v) for v in kwargs.values())
            key = _HashedKey(items)
            with lock:
                cached = cache.get(key)
                if cached:
                    hits += 1
                    return cached
                misses += 1
            value = function(*args, **kwargs)
            with lock:
                cache.set(key, value)
            return value

        def cache_info() -> CacheInfo:
            return CacheInfo(hits, misses, maxsize, len(cache))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return update_wrapper(wrapper, function)

    return decorate


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Copies::test_a_copy_keeps_entries_expiry_times_and_use_order"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised RecursionError"
LOOKS_LIKE = ("copy_recursive",)
