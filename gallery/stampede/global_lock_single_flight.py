"""Bug: one lock is held while fn runs, so calls for different keys run one at a time.

Correct for one key, but a slow key now blocks every other key in the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from solutions.stampede import Call
from solutions.stampede import SingleFlight as Reference

KILLED_BY = "TestPart1SingleFlight::test_different_keys_run_in_parallel"
KILLED_WITH = "AssertionError"


class SingleFlight(Reference):
    def __init__(self) -> None:
        super().__init__()
        self.serial = threading.Lock()

    def lead(self, key: Hashable, call: Call[Any], fn: Callable[[], Any]) -> Any:
        with self.serial:  # BUG: one process-wide lock around every fn call (correct: none)
            return super().lead(key, call, fn)
