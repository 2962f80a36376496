"""Bug: invalidate_tag() walks every entry to delete the tagged ones: O(n), not O(1).

The result is right, but with 100,000 tagged entries one call takes milliseconds and
blocks every other caller meanwhile; bumping a generation costs the same for any n.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, DependencyCache, _check_key
from solutions.invalidation import TaggedCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class TaggedCache(Reference):
    def invalidate_tag(self, tag: str) -> None:
        _check_key(tag, "tag")
        # BUG: a full scan on every call; the work grows with the number of entries
        # (correct: self._generations[tag] = self._generations.get(tag, 0) + 1).
        for key in [k for k, e in self._entries.items() if any(t == tag for t, _ in e.generations)]:
            del self._entries[key]
