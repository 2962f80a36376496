"""Bug: the cache key is built with str(), so f(1) and f("1") share one entry.

The article's `str(args) + str(kwargs)` idea in another form: different arguments that
print alike get each other's results, and unhashable arguments are silently accepted.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.lru import CacheInfo, LRUCache, _checked_maxsize, _wrap

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    # BUG: str() forgets types: 1 and "1" (and None and "None") print the same. Correct:
    # a tuple of the arguments themselves, as in the reference.
    key = ",".join(str(a) for a in args)
    if kwds:
        key += ";" + ",".join(f"{k}={v}" for k, v in kwds.items())
    if typed:
        key += ";" + ",".join(type(v).__name__ for v in (*args, *kwds.values()))
    return key


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, keying every call (no lone argument is its own key) with
    the _make_key above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(
        user_function, maxsize, bool(typed), _make_key, self_keyed=frozenset()
    )
