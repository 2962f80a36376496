"""Bug: get_or_load() skips L2 on an L1 miss and calls the loader, though Redis has the value.

Every process (and every L1 eviction or expiry) pays for a load that L2 could have saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import _MISSING, UNAVAILABLE, _check_key
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
        # BUG: L2 is never consulted, the loader runs on every L1 miss
        # (correct: value = self._read_l2(key), and return an L2 hit)
        with self._lock:
            self._misses += 1
        loaded = loader()
        data = self._serializer.dumps(loaded)
        try:
            stored = self._client.set(self._prefix + key, data, px=self._l2_ttl_ms, nx=True)
        except UNAVAILABLE:
            return loaded
        if stored:
            with self._lock:
                self._promote(key, self._serializer.loads(data), version)
        return loaded
