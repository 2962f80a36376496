"""Bug: waiters on a cold key ignore wait_timeout and poll until the winner finishes.

A winner stuck in a slow (or hung) compute now holds every other caller hostage.
"""

from __future__ import annotations

import math

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_no_waiter_waits_past_wait_timeout"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def give_up_at(self) -> float:
        return math.inf  # BUG: no deadline (correct: time.monotonic() + self.wait_timeout)
