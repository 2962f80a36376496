"""A first attempt: an OrderedDict in use order, expired entries dropped when they are read.

Mistakes in it:
1. len() counts every entry stored: expired ones that nobody has read yet are counted too.
2. set() into a full cache evicts the least recently used entry without dropping the
   expired ones first, and nothing else ever drops an unread expired entry.
3. ttl_cache asks `key in cache` and then `cache.get(key)`: each call hashes its arguments
   two or three times, and a lookup runs the arguments' __eq__ under a plain Lock.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from threading import Lock
from typing import Any, NamedTuple

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


def _check_maxsize(maxsize: Any) -> int:
    if type(maxsize) is not int:
        raise TypeError(f"maxsize must be an int, got {maxsize!r}")
    if maxsize < 1:
        raise ValueError(f"maxsize must be >= 1, got {maxsize}")
    return maxsize


def _check_ttl(ttl: Any) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be a number, got {ttl!r}")
    if math.isnan(ttl) or math.isinf(ttl) or ttl <= 0:
        raise ValueError(f"ttl must be positive and finite, got {ttl!r}")
    return float(ttl)


class TTLCache:
    def __init__(self, maxsize: int = 128, ttl: float = 60.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.maxsize = _check_maxsize(maxsize)
        self.ttl = _check_ttl(ttl)
        self.clock = clock
        self.data: OrderedDict[Any, tuple[Any, float]] = OrderedDict()  # LRU first

    def _live(self, key: Any) -> tuple[Any, float] | None:
        item = self.data.get(key)
        if item is None:
            return None
        if self.clock() >= item[1]:
            del self.data[key]  # expired: drop it now that we see it
            return None
        return item

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        seconds = self.ttl if ttl is None else _check_ttl(ttl)
        if key in self.data:
            self.data.move_to_end(key)
        elif len(self.data) >= self.maxsize:
            self.data.popitem(last=False)
        self.data[key] = (value, self.clock() + seconds)

    def get(self, key: Any, default: Any = None) -> Any:
        item = self._live(key)
        if item is None:
            return default
        self.data.move_to_end(key)
        return item[0]

    def remaining(self, key: Any) -> float | None:
        item = self._live(key)
        return None if item is None else item[1] - self.clock()

    def delete(self, key: Any) -> bool:
        item = self.data.pop(key, None)
        return item is not None and self.clock() < item[1]

    def expire(self) -> int:
        now = self.clock()
        expired = [key for key, (_, expires) in self.data.items() if expires <= now]
        for key in expired:
            del self.data[key]
        return len(expired)

    def clear(self) -> None:
        self.data.clear()

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: object) -> bool:
        return self._live(key) is not None


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


_KWARGS = object()


def _make_key(args: tuple[Any, ...], kwargs: dict[str, Any], typed: bool) -> tuple[Any, ...]:
    key = args
    if kwargs:
        key += (_KWARGS, *kwargs.items())
    if typed:
        key += tuple(type(a) for a in args) + tuple(type(v) for v in kwargs.values())
    return key


def ttl_cache(maxsize: int = 128, ttl: float = 60.0, *,
              clock: Callable[[], float] = time.monotonic, typed: bool = False) -> Any:
    _check_maxsize(maxsize)
    _check_ttl(ttl)

    def decorator(func: Callable[..., Any]) -> Any:
        cache = TTLCache(maxsize, ttl, clock=clock)
        lock = Lock()
        stats = {"hits": 0, "misses": 0}

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = _make_key(args, kwargs, typed)
            with lock:
                if key in cache:
                    stats["hits"] += 1
                    return cache.get(key)
                stats["misses"] += 1
            result = func(*args, **kwargs)
            with lock:
                cache.set(key, result)
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(stats["hits"], stats["misses"], maxsize, len(cache))

        def cache_clear() -> None:
            with lock:
                cache.clear()
                stats["hits"] = stats["misses"] = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorator


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Basics::test_an_expired_entry_is_never_returned"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"len\(cache\) is 1 at 1003"
LOOKS_LIKE = ("expired_counted_in_len",)
