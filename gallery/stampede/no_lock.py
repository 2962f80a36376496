"""Bug: no lock: every caller that misses computes, so a cold key still stampedes.

Each caller behaves as the winner; the Redis lock that picks one caller is never taken.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_cold_key_is_computed_once_across_clients"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def try_lock(
        self, key: str, token: str, seen: bytes | str | None
    ) -> tuple[bool, bytes | str | None]:
        return True, None  # BUG: everyone "wins", nobody takes the lock
        # (correct: run ACQUIRE_SCRIPT, which sets the lock NX PX unless the entry changed)
