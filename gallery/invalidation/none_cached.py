"""Bug: a None from the backend is cached, so a key created later stays "absent".
"""

from __future__ import annotations

from typing import Any

from solutions.invalidation import Backend, DependencyCache, TaggedCache
from solutions.invalidation import CacheAside as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class CacheAside(Reference):
    def read(self, key: Any) -> Any:  # the reference's read, but for one line
        with self._lock:
            try:
                return self._cache[key]
            except KeyError:
                pass
            lease = self._leases[key] = object()
        try:
            value = self._backend.get(key)
        except BaseException:
            with self._lock:
                if self._leases.get(key) is lease:
                    del self._leases[key]
            raise
        with self._lock:
            if self._leases.get(key) is lease:
                del self._leases[key]
                # BUG: None (absent) is cached too (correct: only if value is not None)
                self._cache[key] = value
        return value
