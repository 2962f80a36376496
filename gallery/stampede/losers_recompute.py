"""Bug: a caller that loses the race for the lock recomputes anyway instead of serving
the stale value.

The lock is taken but not respected near expiry, so every reader chosen by XFetch hits the
backend at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from solutions.stampede import (
    SMALLEST_RAND,
    TOKEN_BYTES,
    SingleFlight,
    _decode,
    should_recompute_early,
)
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, got {key!r}")
        if not callable(compute):
            raise TypeError(f"compute must be a callable, got {compute!r}")
        entry_key, lock_key = f"{self.prefix}:entry:{key}", f"{self.prefix}:lock:{key}"

        raw = self._client.get(entry_key)
        entry = _decode(raw)
        if entry is not None and not should_recompute_early(
            entry.expiry, entry.delta, self.beta, self._clock(), self._rand() or SMALLEST_RAND
        ):
            return entry.value

        token = secrets.token_hex(TOKEN_BYTES)
        won, current = self._try_lock(entry_key, lock_key, token, raw)
        if won:
            return self._compute_and_store(entry_key, lock_key, token, compute)
        if current is not None and current != raw and (fresh := _decode(current)) is not None:
            return fresh.value  # someone stored a new entry since we read it
        if entry is not None:
            # BUG: recompute without the lock instead of serving the stale value
            # (correct: return entry.value)
            value, data = self._compute_entry(compute)
            self._client.set(entry_key, data, px=self._ttl_ms)
            return value
        return self._wait(entry_key, lock_key, token, raw, compute)
