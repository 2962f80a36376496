"""Bug: Redlock ignores the validity: a lock that may already have expired counts as held.

With a ttl shorter than the time spent asking plus the drift allowance, the keys may be
gone before acquire() returns; the holder would work without any lock.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart3Redlock::test_validity_too_short_fails"
KILLED_WITH = "AssertionError"


class Redlock(reference.Redlock):
    def won(self, votes: int, validity: float) -> bool:
        # BUG: validity may be negative: the lock may be gone (correct: ... and validity > 0)
        return votes >= self.quorum
