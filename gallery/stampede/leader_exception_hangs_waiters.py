"""Bug: when fn raises, the waiters are never woken and the key stays in flight for ever.

The event is set only on success, and the entry is only removed on success, so one failure
blocks every current and future caller of that key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import cast

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
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = self._calls[key] = _Call()

        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return cast(T, call.result)

        # BUG: an exception skips the cleanup below
        # (correct: record the error in `except`, clean up and set() in `finally`)
        result = call.result = fn()
        with self._mutex:
            del self._calls[key]
        call.done.set()
        return result
