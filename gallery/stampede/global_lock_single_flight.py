"""Bug: the mutex is held while fn runs, so calls for different keys run one at a time.

Correct for one key, but a slow key now blocks every other key in the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import cast

from solutions.stampede import SingleFlight as Reference
from solutions.stampede import StampedeCache, T, _Call, should_recompute_early

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class SingleFlight(Reference):
    def __init__(self) -> None:
        super().__init__()
        self._serial = threading.Lock()

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

        with self._serial:  # BUG: one process-wide lock around every fn call (correct: none)
            try:
                result = call.result = fn()
            except BaseException as exc:
                call.error = exc
                raise
            finally:
                with self._mutex:
                    del self._calls[key]
                call.done.set()
        return result
