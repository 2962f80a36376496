"""Bug: if Redis is down when the instance is created, it never subscribes afterwards.

Everything looks fine (reads and writes work once Redis is back), but this instance
never hears another write: its L1 stays stale until l1_ttl.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def process_invalidations(self) -> int:
        self._check_open()
        # BUG: gives up instead of subscribing again (correct: the reference resubscribes
        # on a fresh pub/sub connection when it is not subscribed)
        if not self._pubsub.subscribed:
            return 0
        return super().process_invalidations()
