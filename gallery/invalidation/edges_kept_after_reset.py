"""Bug: set() adds the new dependencies to the old ones instead of replacing them.

After set("a", 1, depends_on=["x"]) and set("a", 2, depends_on=["y"]), invalidating "x"
still removes "a", and stats() counts edges that no longer exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from solutions.invalidation import Backend, CacheAside, TaggedCache, _names
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        old = self._depends_on.get(key, frozenset())
        # BUG: old dependencies are kept (correct: the new depends_on replaces them)
        super().set(key, value, _names(depends_on, "depends_on") | old)
