"""Bug: read() holds the cache's lock while calling the backend.

No stale set can happen, but every reader and writer of every key waits for one slow
backend call; a write cannot even start while a read is loading.
"""

from __future__ import annotations

from typing import Any

from solutions.invalidation import Backend, DependencyCache, TaggedCache
from solutions.invalidation import CacheAside as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class CacheAside(Reference):
    def read(self, key: Any) -> Any:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            # BUG: the lock is held during the backend call
            # (correct: take a lease, release the lock, load, then fill only if still leased)
            value = self._backend.get(key)
            if value is not None:
                self._cache[key] = value
            return value
