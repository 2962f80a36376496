"""Bug: delete() removes the key from the dict but leaves its link in the recency list.

keys() still lists the deleted key, and eviction later trips over the ghost link.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def delete(self, key: object) -> bool:
        link = self._links.pop(key, None)
        if link is None:
            hash(key)  # pop() on an empty dict skips hashing: an unhashable key must still fail
            return False
        # BUG: the link is never unlinked from the recency list. Correct, before returning:
        # link.prev.next = link.next; link.next.prev = link.prev
        return True
