"""Bug: when fn raises, the waiters are never woken and the key stays in flight for ever.

The key is released only when fn returns, so one failure blocks every current and
future caller of that key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_exception_reaches_every_waiter_and_is_not_remembered"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "still blocked"


class SingleFlight(Reference):
    def lead(self, key: Hashable, call: Call[Any], fn: Callable[[], Any]) -> Any:
        result = call.run(fn)
        self.release(key, call)  # BUG: skipped when fn raises (correct: in a `finally:`)
        return result
