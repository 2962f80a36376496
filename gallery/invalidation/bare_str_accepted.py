"""Bug: a bare str for depends_on (or tags) is taken as an iterable of characters.

set("a", 1, depends_on="users") makes "a" depend on "u", "s", "e" and "r", so
invalidate("users") misses it. The reference rejects a bare str with a TypeError.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from solutions.invalidation import Backend, CacheAside
from solutions.invalidation import DependencyCache as DependencyReference
from solutions.invalidation import TaggedCache as TaggedReference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(DependencyReference):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        # BUG: list("users") is ["u", "s", "e", "r"]: the bare str is never seen, so never
        # rejected (correct: pass depends_on on unchanged; the reference raises TypeError)
        super().set(key, value, list(depends_on))


class TaggedCache(TaggedReference):
    def set(
        self, key: Hashable, value: Any, tags: Iterable[str] = (), ttl: float | None = None
    ) -> None:
        super().set(key, value, list(tags), ttl)  # BUG: the same for tags
