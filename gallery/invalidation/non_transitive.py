"""Bug: invalidate() removes only the direct dependents of a name, not theirs.

The seed article's EventBasedCache does this: invalidating "users" removes "user:1" but
leaves "user:1:posts", which was built from it, cached and stale.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def _closure(self, name: str) -> set[str]:
        found = {name} if name in self._values else set()
        # BUG: one level only: the dependents of dependents stay cached
        # (correct: keep following reverse edges from every key found, with a seen-set).
        found.update(self._dependents.get(name, ()))
        return found
