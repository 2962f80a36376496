"""A first attempt that leans on dicts keeping insertion order (Python 3.7+).

Mistakes:
- A hit refreshes with ``data[key] = data.pop(key)``: the key object passed to ``get`` (or
  ``put``) replaces the one stored first, so after put(1) and get(1.0), keys() lists 1.0.
- Eviction is ``del data[next(iter(data))]``: each deleted first key leaves a hole that
  next(iter()) walks over, so a long run of evictions in a big cache slows down.
- The decorator treats a cached ``None`` as a miss (``if result is not None``).
- Nothing is locked: "the GIL makes dict operations atomic".
"""

from __future__ import annotations

from collections import namedtuple
from functools import wraps

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])


class LRUCache:
    def __init__(self, capacity):
        if type(capacity) is not int:
            raise TypeError(f"capacity must be an int, got {capacity!r}")
        if capacity <= 0:
            raise ValueError(f"capacity must be positive, got {capacity}")
        self._capacity = capacity
        self._data = {}

    @property
    def capacity(self):
        return self._capacity

    def get(self, key, default=None):
        if key not in self._data:
            return default
        value = self._data.pop(key)
        self._data[key] = value  # move to the end: most recently used
        return value

    def put(self, key, value):
        if key in self._data:
            del self._data[key]
        elif len(self._data) >= self._capacity:
            oldest = next(iter(self._data))
            del self._data[oldest]
        self._data[key] = value

    def delete(self, key):
        if key in self._data:
            del self._data[key]
            return True
        return False

    def clear(self):
        self._data.clear()

    def keys(self):
        return list(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def __reduce__(self):
        return (LRUCache, (self._capacity,), dict(self._data))

    def __setstate__(self, state):
        self._data.update(state)


_KWMARK = object()


def _make_key(args, kwargs, typed):
    if not kwargs and not typed and len(args) == 1 and type(args[0]) in (int, str):
        return args[0]
    key = args
    if kwargs:
        key = key + (_KWMARK,)
        for item in kwargs.items():
            key = key + item
    if typed:
        key = key + tuple(type(v) for v in args) + tuple(type(v) for v in kwargs.values())
    return key


def lru_cache(maxsize=128, typed=False):
    if callable(maxsize) and not isinstance(maxsize, int):
        return lru_cache(128, typed)(maxsize)
    if isinstance(maxsize, bool) or (maxsize is not None and not isinstance(maxsize, int)):
        raise TypeError("maxsize must be an int or None")
    if maxsize is not None and maxsize < 0:
        maxsize = 0

    def decorator(func):
        stats = {"hits": 0, "misses": 0}
        if maxsize is None:
            store = {}
        elif maxsize > 0:
            store = LRUCache(maxsize)
        else:
            store = None

        @wraps(func)
        def wrapper(*args, **kwargs):
            if store is None:
                stats["misses"] += 1
                return func(*args, **kwargs)
            key = _make_key(args, kwargs, typed)
            result = store.get(key)
            if result is not None:
                stats["hits"] += 1
                return result
            stats["misses"] += 1
            result = func(*args, **kwargs)
            if isinstance(store, dict):
                store[key] = result
            else:
                store.put(key, result)
            return result

        def cache_info():
            size = 0 if store is None else len(store)
            return CacheInfo(stats["hits"], stats["misses"], maxsize, size)

        def cache_clear():
            if store is not None:
                store.clear()
            stats["hits"] = stats["misses"] = 0

        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        wrapper.cache_parameters = lambda: {"maxsize": maxsize, "typed": bool(typed)}
        return wrapper

    return decorator


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a hit changed the key object|a replace put a new entry"
LOOKS_LIKE = ("refresh_reinserts_key", "replace_keeps_new_key")
