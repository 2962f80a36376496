"""Bug: a caller that loses the race for the lock recomputes anyway instead of serving
the stale value.

The lock is taken but not respected near expiry, so every reader chosen by XFetch hits the
backend at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions.stampede import SingleFlight, _Entry, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _as_loser(
        self,
        stale: _Entry | None,
        entry_key: str,
        lock_key: str,
        token: str,
        seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        if stale is not None:
            # BUG: recompute without the lock instead of serving the stale value
            # (correct: return stale.value)
            value, data = self._compute_entry(compute)
            self._client.set(entry_key, data, px=self._ttl_ms)
            return value
        return self._wait(entry_key, lock_key, token, seen, compute)
