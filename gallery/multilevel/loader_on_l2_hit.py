"""Bug: get_or_load() skips L2 on an L1 miss and calls the loader, though Redis has the value.

Every process (and every L1 eviction or expiry) pays for a load that L2 could have saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def _l2_lookup_or_load(self, key: str, loader: Callable[[], T], version: int) -> T:
        # BUG: L2 is never consulted, the loader runs on every L1 miss
        # (correct: value = self._read_l2(key), and return an L2 hit)
        with self._lock:
            self._misses += 1
        return self._load(key, loader, version, replace=False)
