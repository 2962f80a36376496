"""Bug: a caller that loses the race for the lock waits for the new value, even with a
stale one in hand.

Near expiry that blocks every reader for the whole recompute: the latency spike early
recomputation was meant to avoid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = ("TestPart3StampedeCache::"
             "test_near_expiry_one_caller_recomputes_and_the_others_get_stale_at_once")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "had returned while the early recompute ran"


class StampedeCache(Reference):
    def as_loser(
        self, key: str, stale: Entry | None, seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        # BUG: the stale entry is not served (correct: if stale is not None: return its value)
        return self.wait_for_winner(key, seen, compute)
