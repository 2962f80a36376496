"""Bug: the decorator treats a cached None as a miss (the tutorial's `if result is not None`).

A function returning None is recomputed on every call and the miss count climbs.

The bug is inside the reference decorator's wrapper, so ttl_cache is copied (key building,
validation and TTLCache are imported).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import update_wrapper
from threading import Lock
from typing import Any

from solutions.ttl import CacheInfo, TTLCache, _check_maxsize, _check_ttl, _make_key

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


def ttl_cache(
    maxsize: int = 128, ttl: float = 60.0, *, clock: Callable[[], float] = time.monotonic,
    typed: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    _check_maxsize(maxsize)
    _check_ttl(ttl)

    def decorating_function(user_function: Callable[..., Any]) -> Callable[..., Any]:
        cache: TTLCache[Any, Any] = TTLCache(maxsize, ttl, clock=clock)
        lock = Lock()
        hits = misses = 0

        def wrapper(*args: Any, **kwds: Any) -> Any:
            nonlocal hits, misses
            key = _make_key(args, kwds, typed)
            with lock:
                result = cache.get(key)
                # BUG: None results look like misses; the reference passes a `missing`
                # sentinel as get()'s default and tests `result is not missing`
                if result is not None:
                    hits += 1
                    return result
                misses += 1
            result = user_function(*args, **kwds)
            with lock:
                cache.set(key, result)
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, maxsize, len(cache))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return update_wrapper(wrapper, user_function)

    return decorating_function
