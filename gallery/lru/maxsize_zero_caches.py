"""Bug: maxsize=0 takes the bounded path, which still keeps one result: 0 means "no cache".

The bounded wrapper's "full?" test only runs after an entry is linked, so with room for
none it still keeps one.
"""

from __future__ import annotations

from typing import Any

from solutions.lru import (
    _SELF_KEYED,
    CacheInfo,
    LRUCache,
    _bounded_wrapper,
    _checked_maxsize,
    _make_key,
    _unbounded_wrapper,
)

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _wrap(user_function: Any, maxsize: int | None, typed: bool) -> Any:
    if maxsize is None:
        return _unbounded_wrapper(user_function, typed, _make_key, _SELF_KEYED)
    # BUG: no branch for maxsize == 0, which then caches one entry. Correct: for maxsize 0,
    # return _uncached_wrapper(user_function, typed), which only counts a miss and calls.
    return _bounded_wrapper(user_function, maxsize, typed, _make_key, _SELF_KEYED)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, over the _wrap above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(user_function, maxsize, bool(typed))
