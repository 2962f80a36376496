"""Bug: process_invalidations() lets the Redis error escape, so reads fail even on an L1 hit.

It runs at the start of every read: while Redis is down, the L1 copy that could have
been served is never reached.
"""

from __future__ import annotations

import time

from solutions.multilevel import RESUBSCRIBE_BACKOFF, UNAVAILABLE
from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def process_invalidations(self) -> int:
        self._check_open()
        applied = 0
        with self._pubsub_lock:
            if time.monotonic() < self._retry_at:
                return 0
            try:
                if not self._pubsub.subscribed:
                    self._pubsub.close()
                    self._pubsub = self._client.pubsub()
                    self._pubsub.subscribe(self._channel)
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    applied += self._apply(message)
            except UNAVAILABLE:
                self._retry_at = time.monotonic() + RESUBSCRIBE_BACKOFF
                raise  # BUG: a read fails closed even when L1 could serve it (correct: log it)
        return applied
