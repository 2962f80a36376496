"""Bug: stats() counts get_or_load()'s misses as L2 hits.

The hit ratio looks better than it is: every load the loader had to do shows up as a hit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import _MISSING, _UNDECODABLE, UNAVAILABLE, _check_key
from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def get_or_load(self, key: str, loader: Callable[[], T]) -> T:
        _check_key(key)
        if not callable(loader):
            raise TypeError("loader must be a zero-argument callable")
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        try:
            value = self._read_l2(key)
        except UNAVAILABLE:
            with self._lock:
                self._misses += 1
            return loader()
        if value is not _MISSING and value is not _UNDECODABLE:
            return self._after_l2_read(key, value, version, None)  # type: ignore[no-any-return]
        with self._lock:
            self._l2_hits += 1  # BUG: a miss in both levels (correct: self._misses += 1)
        loaded = loader()
        data = self._serializer.dumps(loaded)
        try:
            stored = self._client.set(
                self._prefix + key, data, px=self._l2_ttl_ms, nx=value is _MISSING
            )
        except UNAVAILABLE:
            return loaded
        if stored:
            with self._lock:
                self._promote(key, self._serializer.loads(data), version)
        return loaded
