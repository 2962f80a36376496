"""Bug: an entry records only the tags already invalidated once, so the first
invalidate_tag() of a tag misses every entry set before it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from solutions.invalidation import Backend, CacheAside, DependencyCache
from solutions.invalidation import TaggedCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class TaggedCache(Reference):
    def set(
        self, key: Hashable, value: Any, tags: Iterable[str] = (), ttl: float | None = None
    ) -> None:
        super().set(key, value, tags, ttl)
        entry = self._entries[key]
        # BUG: a tag with no generation yet is not recorded, so it is never checked
        # (correct: record every tag, at generation 0 if it was never invalidated).
        stamp = tuple((tag, seen) for tag, seen in entry.generations if tag in self._generations)
        self._entries[key] = entry._replace(generations=stamp)
