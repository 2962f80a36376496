"""Bug: a full cache evicts the most recently used key instead of the least recently used.

Both ends of the list look alike in code; picking the wrong one throws away the hottest key.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        links = self._links
        if key in links or len(links) < self._capacity:
            super().put(key, value)  # a replace, or there is room: as in the reference
            return
        # Full: a new key takes the place of an evicted one.
        newest = self._root.prev  # BUG: the most recent end. Correct: self._root.next
        del links[newest.key]
        newest.key = key
        newest.value = value
        links[key] = newest
