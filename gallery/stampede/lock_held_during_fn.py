"""Bug: one lock is held for the whole of do(), fn included: callers queue instead of sharing.

While the first caller runs fn the others wait for the lock, not for its outcome; when
it is released the call is gone, so each of them runs fn in turn: the stampede, one at a
time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_concurrent_callers_share_one_execution_and_the_same_object"
KILLED_WITH = "Failed"
KILLED_MATCHING = "a lock held while fn runs"


class SingleFlight(Reference):
    def __init__(self) -> None:
        super().__init__()
        self.mutex = threading.RLock()  # type: ignore[assignment]  # re-entered by release()

    def lead(self, key: Hashable, call: Call[Any], fn: Callable[[], Any]) -> Any:
        with self.mutex:  # BUG: held while fn runs (correct: no lock around fn)
            return super().lead(key, call, fn)
