"""Bug: a caller that loses the race for the lock recomputes anyway instead of serving
the stale value.

The lock is taken but not respected near expiry, so every reader chosen by XFetch hits the
backend at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = ("TestPart3StampedeCache::"
             "test_near_expiry_one_caller_recomputes_and_the_others_get_stale_at_once")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"compute ran \d+ times"


class StampedeCache(Reference):
    def as_loser(
        self, key: str, stale: Entry | None, seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        if stale is not None:
            return self.compute_unlocked(key, compute)  # BUG (correct: return stale.value)
        return self.wait_for_winner(key, seen, compute)
