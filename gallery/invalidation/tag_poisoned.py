"""Bug: get() asks whether a tag was ever invalidated, not whether it was invalidated
since the entry was set, so after one invalidate_tag() the tag can never be cached again.
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
        # BUG: ignores the generation seen at set time
        # (correct: self._generations.get(tag, 0) != seen, as the reference's get checks)
        if entry is not None and any(tag in self._generations for tag, _ in entry.generations):
            del self._entries[key]
        return super().get(key, default)
