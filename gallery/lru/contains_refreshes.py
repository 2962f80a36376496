"""Bug: `key in cache` goes through get(), which makes the key most recently used.

Checking for a key is not using it: `in` must leave the recency order alone.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

_ABSENT = object()


class LRUCache(reference.LRUCache):
    def __contains__(self, key: object) -> bool:
        # BUG: get() refreshes the key. Correct: return key in self._links
        return self.get(key, _ABSENT) is not _ABSENT
