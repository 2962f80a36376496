"""A first attempt by someone who has read functools: [prev, next, key, value] lists in a
circular list around a root, for the class and for the decorator.

Mistakes:
- ``put`` checks ``len(self._map) > self._capacity`` before inserting: the cache holds one
  key more than its capacity.
- The decorator's lock is a plain ``threading.Lock``: a key whose ``__eq__`` calls the
  cached function deadlocks it (functools uses an RLock).
- The key is a plain tuple, hashed again by each of a miss's three dict operations.
- The wrapper calls the builtin ``len`` on every call: ``lru_cache(len)`` installed as
  ``builtins.len`` recurses forever.
- No ``__reduce__``: pickling a big LRUCache recurses through the links.
"""

from __future__ import annotations

import threading
from functools import update_wrapper
from typing import Any, NamedTuple

PREV, NEXT, KEY, VALUE = 0, 1, 2, 3


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


class LRUCache:
    """root[NEXT] is the least recently used link, root[PREV] the most recent."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError("capacity must be an int")
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._map: dict[Any, list[Any]] = {}
        self._root: list[Any] = []
        self._root[:] = [self._root, self._root, None, None]

    @property
    def capacity(self) -> int:
        return self._capacity

    def _unlink(self, link: list[Any]) -> None:
        link[PREV][NEXT] = link[NEXT]
        link[NEXT][PREV] = link[PREV]

    def _append(self, link: list[Any]) -> None:
        last = self._root[PREV]
        link[PREV] = last
        link[NEXT] = self._root
        last[NEXT] = self._root[PREV] = link

    def get(self, key: Any, default: Any = None) -> Any:
        link = self._map.get(key)
        if link is None:
            return default
        self._unlink(link)
        self._append(link)
        return link[VALUE]

    def put(self, key: Any, value: Any) -> None:
        link = self._map.get(key)
        if link is not None:
            link[VALUE] = value
            self._unlink(link)
            self._append(link)
            return
        if len(self._map) > self._capacity:
            oldest = self._root[NEXT]
            self._unlink(oldest)
            del self._map[oldest[KEY]]
        link = [None, None, key, value]
        self._append(link)
        self._map[key] = link

    def delete(self, key: Any) -> bool:
        hash(key)
        link = self._map.pop(key, None)
        if link is None:
            return False
        self._unlink(link)
        return True

    def clear(self) -> None:
        self._map.clear()
        self._root[:] = [self._root, self._root, None, None]

    def keys(self) -> list[Any]:
        keys = []
        link = self._root[NEXT]
        while link is not self._root:
            keys.append(link[KEY])
            link = link[NEXT]
        return keys

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        return key in self._map


_KWD_MARK = (object(),)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if callable(maxsize) and not isinstance(maxsize, int):
        return lru_cache(128, typed)(maxsize)
    if isinstance(maxsize, bool) or not (maxsize is None or isinstance(maxsize, int)):
        raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")
    if maxsize is not None:
        maxsize = max(maxsize, 0)

    def decorating_function(user_function: Any) -> Any:
        cache: dict[Any, Any] = {}
        hits = misses = 0
        lock = threading.Lock()
        root: list[Any] = []
        root[:] = [root, root, None, None]
        sentinel = object()

        def make_key(args: tuple[Any, ...], kwds: dict[str, Any]) -> Any:
            if not kwds and not typed and len(args) == 1 and type(args[0]) in (int, str):
                return args[0]
            key = args
            if kwds:
                key += _KWD_MARK
                for item in kwds.items():
                    key += item
            if typed:
                key += tuple(type(v) for v in args)
                key += tuple(type(v) for v in kwds.values())
            return key

        def wrapper(*args: Any, **kwds: Any) -> Any:
            nonlocal hits, misses
            if maxsize == 0:
                with lock:
                    misses += 1
                return user_function(*args, **kwds)
            key = make_key(args, kwds)
            with lock:
                if maxsize is None:
                    result = cache.get(key, sentinel)
                    if result is not sentinel:
                        hits += 1
                        return result
                else:
                    link = cache.get(key)
                    if link is not None:
                        link[PREV][NEXT] = link[NEXT]
                        link[NEXT][PREV] = link[PREV]
                        last = root[PREV]
                        link[PREV], link[NEXT] = last, root
                        last[NEXT] = root[PREV] = link
                        hits += 1
                        return link[VALUE]
                misses += 1
            result = user_function(*args, **kwds)
            with lock:
                if key in cache:
                    return result
                if maxsize is None:
                    cache[key] = result
                    return result
                if len(cache) >= maxsize:
                    oldest = root[NEXT]
                    oldest[PREV][NEXT] = oldest[NEXT]
                    oldest[NEXT][PREV] = oldest[PREV]
                    del cache[oldest[KEY]]
                last = root[PREV]
                link = [last, root, key, result]
                last[NEXT] = root[PREV] = cache[key] = link
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, maxsize, len(cache))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                root[:] = [root, root, None, None]
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_parameters = lambda: {"maxsize": maxsize, "typed": bool(typed)}  # type: ignore[attr-defined]
        return update_wrapper(wrapper, user_function)

    return decorating_function


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the cache holds \d+ keys, more than its capacity"
LOOKS_LIKE = ("holds_one_extra",)
