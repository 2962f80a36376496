"""Bug: an exception is cached like a result and re-raised on every later call.

A transient failure (a timeout, a missing row not yet written) then sticks until evicted.
Here the reference's cache is wrapped around a function that turns a failure into a value.
"""

from __future__ import annotations

from functools import update_wrapper
from types import FunctionType
from typing import Any

from solutions import lru as reference
from solutions.lru import CacheInfo, LRUCache

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


# The reference's lru_cache, its code unchanged, re-created over a copy of the reference's
# globals in which _wrap is the one above.
_names = {**vars(reference), "_wrap": _wrap}
lru_cache = FunctionType(
    reference.lru_cache.__code__, _names, "lru_cache", reference.lru_cache.__defaults__
)
