"""Bug: stats() counts get_or_load()'s misses as L2 hits.

The hit ratio looks better than it is: every load the loader had to do shows up as a hit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import _MISSING, _UNDECODABLE, UNAVAILABLE
from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def _l2_lookup_or_load(self, key: str, loader: Callable[[], T], version: int) -> T:
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
        return self._load(key, loader, version, replace=value is _UNDECODABLE)
