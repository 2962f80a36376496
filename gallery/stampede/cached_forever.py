"""Bug: finished calls stay in the table, so do() returns the first outcome for ever.

Single-flight shares a call only while it is in flight; this one turned into a cache with
no expiry and no invalidation.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_exception_reaches_every_waiter_and_is_not_remembered"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"must not be remembered"


class SingleFlight(Reference):
    def release(self, key: Hashable, call: Call[Any]) -> None:
        call.done.set()  # BUG: the call is never forgotten (correct: drop it from the table
        # under the mutex, then wake the waiters)
