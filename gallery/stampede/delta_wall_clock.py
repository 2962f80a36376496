"""Bug: delta is measured with the real clock, not the injected one.

The early window then depends on real elapsed time, which is meaningless next to a fake
(or any injected) clock, and the entry's expiry and delta disagree about time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_delta_is_measured_with_the_injected_clock"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def compute_entry(self, compute: Callable[[], Any]) -> Entry:
        started = time.monotonic()  # BUG: not the injected clock (correct: self.clock())
        value = compute()
        delta = time.monotonic() - started  # BUG (correct: self.clock() - started)
        return Entry(value, max(delta, 0.0), self.clock() + self.ttl)
