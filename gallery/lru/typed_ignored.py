"""Bug: typed=True is accepted but ignored: f(3, 0) and f(3.0, 0) share one entry.

The key never records the argument types, so the flag only changes cache_parameters().
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.lru import _KEYWORDS_FOLLOW, CacheInfo, LRUCache, _checked_maxsize, _wrap

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    parts = list(args)
    if kwds:
        parts.append(_KEYWORDS_FOLLOW)
        for name, value in kwds.items():
            parts += (name, value)
    # BUG: typed is never looked at here: no argument types in the key. Correct:
    # if typed: parts += [type(v) for v in args]; parts += [type(v) for v in kwds.values()]
    return tuple(parts)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, keying calls with the _make_key above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(user_function, maxsize, bool(typed), _make_key)
