"""Bug: finished calls stay in the table, so do() returns the first result for ever.

Single-flight shares a call only while it is in flight; this one turned into a cache with
no expiry and no invalidation.
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

        try:
            result = call.result = fn()
        except BaseException as exc:
            call.error = exc
            with self._mutex:
                del self._calls[key]
            raise
        finally:
            call.done.set()
        # BUG: a successful call is never forgotten: every later do() gets this result
        # (correct: del self._calls[key] under the mutex, whatever fn did, before set())
        return result
