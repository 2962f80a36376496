"""Bug: a lone int or str argument is wrapped in a tuple like any other, so f(3) and f(3.0)
share one entry.

functools uses a lone int or str as its own key (no tuple to build), and 3 != (3.0,):
there, f(3) and f(3.0) are two entries even with typed=False, so cache_info() differs.
"""

from __future__ import annotations

from typing import Any

from solutions.lru import CacheInfo, LRUCache, _checked_maxsize, _wrap

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

# BUG: no lone-scalar keys. Correct: frozenset({int, str})
_SELF_KEYED: frozenset[type] = frozenset()


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, with the _SELF_KEYED above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(
        user_function, maxsize, bool(typed), self_keyed=_SELF_KEYED
    )
