"""Bug: a failing compute stores None as the value, so everyone is served None for ttl.
"""

from __future__ import annotations

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_a_failing_compute_raises_caches_nothing_and_frees_the_key"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def on_compute_failed(self, key: str, token: str, error: BaseException) -> None:
        # BUG: the failure is cached as a None value (correct: only self.release(key, token))
        self.store(key, token, Entry(None, 0.0, self.clock() + self.ttl))
