"""Bug: no lock: every caller that misses computes, so a cold key still stampedes.

Each caller behaves as the winner; the Redis lock that picks one caller is never taken.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _try_lock(
        self, entry_key: str, lock_key: str, token: str, seen: bytes | str | None
    ) -> tuple[bool, bytes | str | None]:
        return True, None  # BUG: everyone "wins", nobody takes the lock
        # (correct: run the ACQUIRE_UNLESS_CHANGED script, which sets the lock NX PX)
