"""Bug: a caller that loses the race for the lock waits for the new value, even with a
stale one in hand.

Near expiry that blocks every reader for the whole recompute: the latency spike early
recomputation was meant to avoid. (Two methods change: get_or_compute no longer serves the
stale entry, and _wait must not take that stale entry, which it now sees, for the winner's.)
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from solutions.stampede import (
    FIRST_PAUSE,
    MAX_PAUSE,
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
        # BUG: the stale entry is not served; losers wait like on a cold key
        # (correct: if entry is not None: return entry.value)
        return self._wait(entry_key, lock_key, token, raw, compute)

    def _wait(
        self,
        entry_key: str,
        lock_key: str,
        token: str,
        seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        deadline = time.monotonic() + self.wait_timeout
        pause = FIRST_PAUSE
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, MAX_PAUSE)
            won, current = self._try_lock(entry_key, lock_key, token, seen)
            if won:  # the winner failed (or its lock expired): our turn
                return self._compute_and_store(entry_key, lock_key, token, compute)
            # the stale entry we saw is not the winner's: wait for a newer one
            if current is not None and current != seen and (fresh := _decode(current)):
                return fresh.value
        value, data = self._compute_entry(compute)
        self._client.set(entry_key, data, px=self._ttl_ms)
        return value
