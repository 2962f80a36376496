"""Bug: invalidate() calls the callbacks before removing the key, so they still see it.

A callback that reads the cache (to log, or to refill it) finds the stale entry.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache, _check_key
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def invalidate(self, name: str) -> set[str]:
        doomed = self._closure(_check_key(name, "name"))
        for key in doomed:
            for callback in self._callbacks:
                callback(key)  # BUG: the key is still cached while its callback runs
            # Correct: remove every doomed key first, then run the callbacks.
            self._unlink(key)
            del self._values[key]
        return doomed
