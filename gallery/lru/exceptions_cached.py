"""Bug: an exception is cached like a result and re-raised on every later call.

A transient failure (a timeout, a missing row not yet written) then sticks until evicted.
Here the reference's cache is wrapped around a function that turns a failure into a value.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from solutions import lru as reference
from solutions.lru import CacheInfo, LRUCache, _checked_maxsize

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class _Raised:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc


def _wrap(user_function: Any, maxsize: int | None, typed: bool) -> Any:
    def outcome(*args: Any, **kwds: Any) -> Any:
        try:
            return user_function(*args, **kwds)
        except Exception as exc:  # BUG: the failure becomes a result, cached and replayed
            return _Raised(exc)  # Correct: let it propagate, so nothing is cached

    cached = reference._wrap(outcome, maxsize, typed)

    def wrapper(*args: Any, **kwds: Any) -> Any:
        result = cached(*args, **kwds)
        if isinstance(result, _Raised):
            raise result.exc
        return result

    wrapper.cache_info = cached.cache_info
    wrapper.cache_clear = cached.cache_clear
    wrapper.cache_parameters = cached.cache_parameters
    return update_wrapper(wrapper, user_function)


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """The reference's lru_cache, over the _wrap above."""
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    return lambda user_function: _wrap(user_function, maxsize, bool(typed))
