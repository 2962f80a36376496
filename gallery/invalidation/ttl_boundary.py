"""Bug: an entry is still served at exactly set time + ttl (it is live only while
clock() < set time + ttl).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions.invalidation import Backend, CacheAside, DependencyCache
from solutions.invalidation import TaggedCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class TaggedCache(Reference):
    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        generations = self._generations
        # BUG: live at expires_at itself (correct: self._clock() >= entry.expires_at)
        expired = self._clock() > entry.expires_at
        if expired or any(generations.get(tag, 0) != seen for tag, seen in entry.generations):
            del self._entries[key]
            return default
        return entry.value
