"""Bug: a read fills the cache with what it loaded even if a write happened meanwhile.

Reader loads "old", writer writes "new" and invalidates, reader caches "old": every later
read returns "old" until something else invalidates the key.
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
        value = self._backend.get(key)  # the lock is not held here: that part is right
        with self._lock:
            # BUG: fills whether or not a write invalidated the key during the load
            # (correct: take a lease before loading, fill only if the lease survived)
            if value is not None:
                self._cache[key] = value
        return value
