"""Bug: an exception is cached like a result and re-raised on every later call.

A transient failure (a timeout, a missing row not yet written) then sticks until evicted.
Here the reference's cache is wrapped around a function that turns a failure into a value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_exceptions_are_not_cached"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"exception of the first call was cached"


class _Raised:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc


class CachesFailures(reference.Memoizer):
    def wrap(self, user_function: Callable[..., Any], maxsize: int | None,
             typed: bool) -> Any:
        def outcome(*args: Any, **kwds: Any) -> Any:
            try:
                return user_function(*args, **kwds)
            except Exception as exc:  # BUG: the failure becomes a result, cached and replayed
                return _Raised(exc)  # Correct: let it propagate, so nothing is cached

        cached = super().wrap(outcome, maxsize, typed)

        def wrapper(*args: Any, **kwds: Any) -> Any:
            result = cached(*args, **kwds)
            if isinstance(result, _Raised):
                raise result.exc
            return result

        return self.with_cache_api(wrapper, user_function, cached.cache_info,
                                   cached.cache_clear, maxsize, typed)


lru_cache = CachesFailures().lru_cache
