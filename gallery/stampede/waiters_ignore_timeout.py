"""Bug: waiters on a cold key ignore wait_timeout and poll until the winner finishes.

A winner stuck in a slow (or hung) compute now holds every other caller hostage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from solutions.stampede import FIRST_PAUSE, MAX_PAUSE, SingleFlight, _decode, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _wait(
        self,
        entry_key: str,
        lock_key: str,
        token: str,
        seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        pause = FIRST_PAUSE
        while True:  # BUG: no deadline
            # (correct: while (remaining := deadline - time.monotonic()) > 0, then compute
            # and store without the lock once wait_timeout has passed)
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
            won, current = self._try_lock(entry_key, lock_key, token, seen)
            if won:  # the winner failed (or its lock expired): our turn
                return self._compute_and_store(entry_key, lock_key, token, compute)
            if current is not None and (fresh := _decode(current)) is not None:
                return fresh.value
