"""Bug: the waiters are woken before the finished call is forgotten.

A waiter that calls do() again for the same key right after it woke can find the old
call still in flight and get its (finished) result back, without its fn ever running.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_a_woken_waiter_that_calls_again_runs_its_own_fn"
KILLED_WITH = "AssertionError"


class SingleFlight(Reference):
    def release(self, key: Hashable, call: Call[Any]) -> None:
        call.done.set()  # BUG: woken first (correct: forget the call, then wake them)
        super().release(key, call)
