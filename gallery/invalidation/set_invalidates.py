"""Bug: set() of an already cached key invalidates it first, removing its dependents.

Setting a value is not a change notification: entries depending on the key depended on the
name, and the caller invalidates explicitly when the underlying data changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from solutions.invalidation import Backend, CacheAside, TaggedCache, _names
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        deps = _names(depends_on, "depends_on")  # validated first, as in the reference
        if key in self._values:
            self.invalidate(key)  # BUG: set() must never invalidate anything
        super().set(key, value, deps)
