"""Bug: a failed Redlock attempt keeps the keys it set, blocking everyone until they expire.

Without a quorum the attempt has failed, but the servers that said yes still hold its
token for a whole ttl: the next contenders (this one's own retries included) find a
minority of servers taken and can fail too.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart3Redlock::test_minority_fails_and_releases"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"after a failed acquire the servers hold"


class Redlock(reference.Redlock):
    def abandon(self, token: str) -> None:
        # BUG: the servers that said yes keep our key for a whole ttl
        # (correct: the compare-and-delete with token on every server)
        pass
