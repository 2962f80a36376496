"""Bug: the decorator caches an exception and raises it again on the next call.

A transient failure is remembered for a whole ttl instead of being retried.

Built on the reference decorator: the cached function returns a failure as a value
(so it is cached like a result) and the wrapper raises it again on every hit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from solutions.ttl import CacheInfo, TTLCache
from solutions.ttl import ttl_cache as _ttl_cache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class _Raised:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc


def ttl_cache(
    maxsize: int = 128, ttl: float = 60.0, *, clock: Callable[[], float] = time.monotonic,
    typed: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    decorate = _ttl_cache(maxsize, ttl, clock=clock, typed=typed)

    def decorating_function(user_function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwds: Any) -> Any:
            try:
                return user_function(*args, **kwds)
            except Exception as exc:
                return _Raised(exc)  # BUG: a failure is cached; the reference lets it propagate

        cached = decorate(call)

        def wrapper(*args: Any, **kwds: Any) -> Any:
            result = cached(*args, **kwds)
            if isinstance(result, _Raised):
                raise result.exc  # a hit on a cached failure raises it again
            return result

        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return update_wrapper(wrapper, user_function)

    return decorating_function
