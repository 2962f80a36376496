"""Bug: the table of calls in flight is used without its lock.

Two callers of one key can both look it up, both find nothing and both start a call: a
check-then-insert without a lock lets the stampede through.
"""

from __future__ import annotations

import contextlib

from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_two_callers_interleaved_step_by_step_share_one_call"
KILLED_WITH = "AssertionError"


class SingleFlight(Reference):
    def __init__(self) -> None:
        super().__init__()
        self.mutex = contextlib.nullcontext()  # type: ignore[assignment]  # BUG: no lock
        # (correct: a threading.Lock around the look-up and insertion of a call)
