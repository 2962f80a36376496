"""Bug: when fn raises, only the caller that ran it sees the error; waiters get None.

The exception is not stored on the shared call, so waiters read the empty result slot
and carry on with None as if it were a value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_exception_reaches_every_waiter_and_is_not_remembered"
KILLED_WITH = "AssertionError"


class ForgetfulCall(Call[Any]):
    __slots__ = ()

    def run(self, fn: Callable[[], Any]) -> Any:
        self.result = fn()  # BUG: an exception is not recorded for the waiters
        # (correct: except BaseException as exc: self.error = exc; raise)
        return self.result


class SingleFlight(Reference):
    call_type = ForgetfulCall
