"""Bug: L1 ages are measured with time.time(), as in the article, not with the clock given.

The injected clock is how tests (and callers) control time; with the wall clock the
fake clock's hours pass in milliseconds and L1 entries seem never to expire.
"""

from __future__ import annotations

import time
from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def __init__(self, client: redis.Redis, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self._clock = time.time  # BUG: the clock argument is ignored (correct: clock)
