"""Bug: put() of an existing key replaces the value but does not make the key most recent.

A key just written is then the next to go if it happened to be old.
"""

from __future__ import annotations

from solutions import lru as reference
from solutions.lru import CacheInfo, lru_cache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


class LRUCache(reference.LRUCache):
    def put(self, key: object, value: object) -> None:
        link = self._links.get(key)
        if link is None:
            super().put(key, value)  # a new key: as in the reference
            return
        # BUG: replaced, but not moved to the recent end. Correct: also unlink it and relink
        # it just before the sentinel root, as get() does.
        link.value = value
