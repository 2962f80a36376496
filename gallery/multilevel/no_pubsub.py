"""Bug: writes are never announced over pub/sub, so other instances serve their old L1 copy.

This is the article's MultiLevelCache: two levels and no coherence at all. Another
process keeps its stale copy until l1_ttl, however long that is.
"""

from __future__ import annotations

import redis

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def _publish(self, pipe: redis.client.Pipeline, key: str) -> None:
        # BUG: no PUBLISH in set() or delete(), the other instances are never told
        # (correct: pipe.publish(self._channel, <the {"sender", "key"} message>))
        pass
