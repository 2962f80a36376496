"""Bug: the traversal keeps no seen-set, so a dependency cycle is walked forever.

"a" depends on "b" and "b" on "a" (or "a" on itself): invalidate() never returns.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def _closure(self, name: str) -> set[str]:
        found = {name} if name in self._values else set()
        stack = [name]
        while stack:
            for dependent in self._dependents.get(stack.pop(), ()):
                found.add(dependent)
                # BUG: no seen-set: a cycle is pushed again and again
                # (correct: push only a dependent not seen before, and mark it seen)
                stack.append(dependent)
        return found
