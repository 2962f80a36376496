"""Bug: a failing compute leaves the lock held until lock_ttl, so nobody takes over.

Waiters on the cold key sit out the whole lock TTL (or wait_timeout) after the winner has
already failed, instead of one of them taking over at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _compute_and_store(
        self, entry_key: str, lock_key: str, token: str, compute: Callable[[], Any]
    ) -> Any:
        value, data = self._compute_entry(compute)  # BUG: on failure the lock lingers
        # (correct: on any exception, self._release(keys=[lock_key], args=[token]), re-raise)
        self._store(keys=[entry_key, lock_key], args=[data, self._ttl_ms, token])
        return value
