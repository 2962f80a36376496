"""Bug: a caller that loses the race for the lock waits for the new value, even with a
stale one in hand.

Near expiry that blocks every reader for the whole recompute: the latency spike early
recomputation was meant to avoid.
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
        # BUG: the stale entry is not served; losers wait like on a cold key
        # (correct: if stale is not None: return stale.value)
        return self._wait(entry_key, lock_key, token, seen, compute)
