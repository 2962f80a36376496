"""Bug: the capacity test is off by one the other way: it evicts at capacity - 1 keys.

One slot is never used (except with capacity 1): every eviction comes one key early.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, _Link, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        links = self._links
        link = links.get(key)  # hashes first: an unhashable key fails before any change
        root = self._root
        if link is not None:
            link.value = value
            link.prev.next = link.next
            link.next.prev = link.prev
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
        # BUG: one slot is never used. Correct: elif len(links) < self._capacity:
        elif len(links) < max(self._capacity - 1, 1):
            link = _Link()
            link.key = key
            link.value = value
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
            links[key] = link
        else:
            # Full: the sentinel takes the new entry, the oldest link becomes the sentinel.
            root.key = key
            root.value = value
            oldest = root.next
            del links[oldest.key]
            oldest.key = oldest.value = None
            self._root = oldest
            links[key] = root
