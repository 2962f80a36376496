"""Bug: get_or_load() keeps the loaded value in L1 only, so other instances load it again.

L2 is the level the instances share: a value loaded but never written there is loaded
once per process (and again after every L1 eviction or expiry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def _load(self, key: str, loader: Callable[[], T], version: int, *, replace: bool) -> T:
        loaded = loader()
        data = self._serializer.dumps(loaded)
        # BUG: L2 is never filled; correct:
        # stored = self._client.set(self._prefix + key, data, px=self._l2_ttl_ms, nx=...)
        with self._lock:
            self._promote(key, self._serializer.loads(data), version)
        return loaded
