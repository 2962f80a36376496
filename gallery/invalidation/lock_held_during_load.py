"""Bug: read() holds the cache's lock while calling the backend.

No stale set can happen, but every reader and writer of every key waits for one slow
backend call; a write cannot even start invalidating while a read is loading.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_stale_set_race"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"is a lock held during backend calls"


class CacheAside(reference.CacheAside):
    def load(self, key: Any) -> Any:
        with self.lock:  # BUG: held during the backend call; correct: call it unlocked
            return super().load(key)
