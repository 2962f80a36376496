"""Bug: close() forgets to release the pub/sub connection, which stays subscribed.

The instance looks closed (its methods raise RuntimeError, L1 is empty), but Redis still
counts its subscriber and keeps the connection open: every closed cache leaks one.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_close_releases_the_subscription"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def unsubscribe(self) -> None:
        pass  # BUG: the subscription stays (correct: close the pub/sub connection)
