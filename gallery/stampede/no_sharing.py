"""Bug: every caller runs fn itself; concurrent callers never share the call in flight.

The in-flight table is written but never consulted, so a hundred concurrent misses still
make a hundred calls: exactly the stampede single-flight exists to stop.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from solutions.stampede import SingleFlight as Reference
from solutions.stampede import StampedeCache, T, _Call, should_recompute_early

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class SingleFlight(Reference):
    def do(self, key: Hashable, fn: Callable[[], T]) -> T:
        if not callable(fn):
            raise TypeError(f"fn must be a callable, got {fn!r}")
        try:
            hash(key)
        except TypeError:
            raise TypeError(f"key must be hashable, got {type(key).__name__}") from None

        with self._mutex:
            # BUG: never joins the call in flight; every caller leads
            # (correct: reuse self._calls.get(key) when there is one, and wait on it)
            call = self._calls[key] = _Call()

        try:
            result = call.result = fn()
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._mutex:
                self._calls.pop(key, None)
            call.done.set()
        return result
