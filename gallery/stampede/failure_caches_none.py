"""Bug: a failing compute stores None as the value, so everyone is served None for ttl.
"""

from __future__ import annotations

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_a_waiter_takes_over_when_the_compute_fails"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"waiters got \[None"


class StampedeCache(Reference):
    def on_compute_failed(self, key: str, token: str, error: BaseException) -> None:
        # BUG: the failure is cached as a None value (correct: only self.release(key, token))
        self.store(key, token, Entry(None, 0.0, self.clock() + self.ttl))
