"""Bug: a failing compute leaves the lock held until lock_ttl, so nobody takes over.

Waiters on the cold key sit out the whole lock TTL (or wait_timeout) after the winner has
already failed, instead of one of them taking over at once.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_a_waiter_takes_over_when_the_compute_fails"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"still blocked"


class StampedeCache(Reference):
    def on_compute_failed(self, key: str, token: str, error: BaseException) -> None:
        pass  # BUG: the lock lingers until lock_ttl (correct: self.release(key, token))
