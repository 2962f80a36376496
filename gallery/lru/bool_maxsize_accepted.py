"""Bug: lru_cache(maxsize=True) is accepted as a maxsize of 1, because bool is an int.

functools accepts it; the kata's contract turns a bool away, as a flag passed by mistake.
"""

from __future__ import annotations

from typing import Any

from solutions.lru import CacheInfo, LRUCache, _checked_maxsize, _wrap

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    # BUG: any int, True and False included (as 1 and 0), skips the check. Correct:
    # maxsize = _checked_maxsize(maxsize), which turns a bool away first
    maxsize = max(maxsize, 0) if isinstance(maxsize, int) else _checked_maxsize(maxsize)
    return lambda user_function: _wrap(user_function, maxsize, bool(typed))
