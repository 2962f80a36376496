"""Bug: get() does not refresh recency, so a hot key is evicted as if it were never read.

The cache degrades to FIFO: eviction follows insertion order, whatever the reads.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def get(self, key: object, default: object = None) -> object:
        link = self._links.get(key)
        if link is None:
            return default
        # BUG: a hit leaves the key where it was. Correct: unlink it, then relink it at the
        # most recent end (just before the sentinel root) before returning its value.
        return link.value
