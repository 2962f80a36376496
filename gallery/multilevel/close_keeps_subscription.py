"""Bug: close() forgets to release the pub/sub connection, which stays subscribed.

The instance looks closed (its methods raise RuntimeError, L1 is empty), but Redis still
counts its subscriber and keeps the connection open: every closed cache leaks one.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def close(self) -> None:
        with self._pubsub_lock:
            if self._closed:
                return
            self._closed = True
            # BUG: the subscription and its connection are never released
            # (correct: self._pubsub.close())
        with self._lock:
            self._l1.clear()
