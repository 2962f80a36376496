"""Bug: cache_info() computes hits as len(order) - len(set(order)), as the article does.

The recency list holds each key once, so that difference is always 0: the real hits are
never counted. The bug is inside the reference's bounded wrapper, one closure, so this is
a trimmed copy of that factory (maxsize None and 0 are the reference's).
"""

from __future__ import annotations

from collections.abc import Hashable
from threading import Lock
from typing import Any

from solutions import lru as reference
from solutions.lru import (
    _SELF_KEYED,
    CacheInfo,
    LRUCache,
    _checked_maxsize,
    _make_key,
    _with_cache_api,
)

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _bounded_wrapper(user_function: Any, maxsize: int, typed: bool) -> Any:
    cache: dict[Hashable, list[Any]] = {}
    hits = misses = 0
    full = False
    lock = Lock()
    PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
    root: list[Any] = []
    root[:] = [root, root, None, None]

    def wrapper(*args: Any, **kwds: Any) -> Any:
        nonlocal root, hits, misses, full
        if kwds or typed or len(args) != 1 or type(args[0]) not in _SELF_KEYED:
            key = _make_key(args, kwds, typed)
        else:
            key = args[0]
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
                last = root[PREV]
                link = [last, root, key, result]
                last[NEXT] = root[PREV] = cache[key] = link
                full = len(cache) >= maxsize
        return result

    def cache_info() -> CacheInfo:
        with lock:
            order = []
            link = root[NEXT]
            while link is not root:
                order.append(link[KEY])
                link = link[NEXT]
            counted = len(order) - len(set(order))  # BUG: always 0, each key is listed once
            return CacheInfo(counted, misses, maxsize, len(cache))  # Correct: hits, not counted

    def cache_clear() -> None:
        nonlocal hits, misses, full
        with lock:
            cache.clear()
            root[:] = [root, root, None, None]
            hits = misses = 0
            full = False

    return _with_cache_api(wrapper, user_function, cache_info, cache_clear, maxsize, typed)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, over the bounded wrapper above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    if not maxsize:  # None or 0: no recency list, as in the reference
        return reference.lru_cache(maxsize, typed)
    return lambda user_function: _bounded_wrapper(user_function, maxsize, bool(typed))
