"""Bug: put() checks "full?" before "already cached?", so replacing a key in a full cache
evicts the least recently used key for nothing.

A replace needs no room: only a new key in a full cache evicts.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        hash(key)  # an unhashable key fails before any change
        # BUG: evicts whenever the cache is full, even to replace a key already cached.
        # Correct: leave it to the reference's put, which evicts only for a new key.
        if len(self._links) >= self._capacity:
            self.delete(self._root.next.key)  # root.next: the least recently used link
        super().put(key, value)
