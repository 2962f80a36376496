"""Bug: the miss path reads the list's last link before calling the function and links the
new entry after it once the call returns.

A recursive call (fib through the decorated name) changes the list meanwhile: the entry is
linked after a stale neighbour, links are lost, and eviction goes wrong. The bug is inside
the reference's _wrap, one closure, so this is a trimmed copy of it: the bounded path only.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import update_wrapper
from threading import Lock
from types import FunctionType
from typing import Any

from solutions import lru as reference
from solutions.lru import CacheInfo, LRUCache, _make_key

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _wrap(user_function: Any, maxsize: int | None, typed: bool) -> Any:
    if maxsize is None or maxsize == 0:
        return reference._wrap(user_function, maxsize, typed)  # no list: as in the reference
    cache: dict[Hashable, list[Any]] = {}
    hits = misses = 0
    full = False
    lock = Lock()
    PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
    root: list[Any] = []
    root[:] = [root, root, None, None]

    def wrapper(*args: Any, **kwds: Any) -> Any:
        nonlocal root, hits, misses, full
        key = _make_key(args, kwds, typed)
        with lock:
            link = cache.get(key)
            if link is not None:
                link_prev, link_next, _, cached = link
                link_prev[NEXT] = link_next
                link_next[PREV] = link_prev
                last = root[PREV]
                last[NEXT] = root[PREV] = link
                link[PREV] = last
                link[NEXT] = root
                hits += 1
                return cached
            misses += 1
            last = root[PREV]  # BUG: read before the call, used after it
        result = user_function(*args, **kwds)
        with lock:
            if key in cache:
                pass  # a recursive call cached this key meanwhile: its entry stands
            elif full:
                root[KEY] = key
                root[RESULT] = result
                cache[key] = root
                root = root[NEXT]
                del cache[root[KEY]]
                root[KEY] = root[RESULT] = None
            else:
                # Correct: last = root[PREV] here, read now that the call has returned
                link = [last, root, key, result]
                last[NEXT] = root[PREV] = cache[key] = link
                full = len(cache) >= maxsize
        return result

    def cache_info() -> CacheInfo:
        with lock:
            return CacheInfo(hits, misses, maxsize, len(cache))

    def cache_clear() -> None:
        nonlocal hits, misses, full
        with lock:
            cache.clear()
            root[:] = [root, root, None, None]
            hits = misses = 0
            full = False

    def cache_parameters() -> dict[str, Any]:
        return {"maxsize": maxsize, "typed": typed}

    wrapper.cache_info = cache_info
    wrapper.cache_clear = cache_clear
    wrapper.cache_parameters = cache_parameters
    return update_wrapper(wrapper, user_function)


# The reference's lru_cache, its code unchanged, re-created over a copy of the reference's
# globals in which _wrap is the one above.
_names = {**vars(reference), "_wrap": _wrap}
lru_cache = FunctionType(
    reference.lru_cache.__code__, _names, "lru_cache", reference.lru_cache.__defaults__
)
