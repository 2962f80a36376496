"""Bug: the traversal recurses, so a long dependency chain raises RecursionError.

Cycles are handled (there is a seen-set), but a chain of a few thousand entries (pages of
a feed, each depending on the previous one) is deeper than Python's recursion limit.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def _closure(self, name: str) -> set[str]:
        found = {name} if name in self._values else set()
        self._visit(name, {name}, found)  # correct: an explicit stack, no recursion
        return found

    def _visit(self, name: str, seen: set[str], found: set[str]) -> None:
        for dependent in list(self._dependents.get(name, ())):
            if dependent not in seen:
                seen.add(dependent)
                found.add(dependent)
                self._visit(dependent, seen, found)  # BUG: one stack frame per chain link
