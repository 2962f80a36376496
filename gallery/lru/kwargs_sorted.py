"""Bug: keyword arguments are sorted into the key, so f(a=1, b=2) and f(b=2, a=1) share an
entry.

It looks like an improvement, but functools keeps them apart (sorting costs time on every
call), so cache_info() no longer matches functools for the same calls.
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
        # BUG: functools keeps the call's order. Correct: for name, value in kwds.items():
        for name, value in sorted(kwds.items()):
            parts += (name, value)
    if typed:
        parts += [type(value) for value in args]
        parts += [type(value) for value in kwds.values()]
    return tuple(parts)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, keying calls with the _make_key above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(user_function, maxsize, bool(typed), _make_key)
