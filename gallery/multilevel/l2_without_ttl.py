"""Bug: L2 entries are written without a TTL (SET without PX), so they live for ever.

Nothing ever expires from Redis: it fills up with keys nobody reads any more, and a
value written behind the cache's back is never refreshed.
"""

from __future__ import annotations

from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def __init__(self, client: redis.Redis, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)  # l2_ttl is still checked...
        # BUG: ...but never used: SET gets px=None, i.e. no PX, in set() and get_or_load()
        # (correct: the reference's whole milliseconds, max(1, int(l2_ttl * 1000)))
        self._l2_ttl_ms = None
