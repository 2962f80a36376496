"""Bug: process_invalidations() lets the Redis error escape, so reads fail even on an L1 hit.

It runs at the start of every read: while Redis is down, the L1 copy that could have
been served is never reached. (The constructor fails the same way while Redis is down:
it is the same handler of a pub/sub outage.)
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def _retry_later(self, exc: Exception) -> None:
        super()._retry_later(exc)
        raise exc  # BUG: a read fails closed even when L1 could serve it (correct: only log it)
