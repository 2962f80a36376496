"""Bug: lru_cache(maxsize=True) is accepted as a maxsize of 1, because bool is an int.

functools accepts it; the kata's contract turns a bool away, as a flag passed by mistake.
"""

from __future__ import annotations

from typing import Any

from solutions.lru import CacheInfo, LRUCache, _wrap

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    # BUG: True and False pass as 1 and 0. Correct, first:
    # if isinstance(maxsize, bool): raise TypeError("maxsize must be an int or None, ...")
    if isinstance(maxsize, int):
        maxsize = max(maxsize, 0)
    elif callable(maxsize):  # used bare: @lru_cache
        user_function, maxsize = maxsize, 128
        return _wrap(user_function, maxsize, bool(typed))
    elif maxsize is not None:
        raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")

    def decorating_function(user_function: Any) -> Any:
        return _wrap(user_function, maxsize, bool(typed))

    return decorating_function
