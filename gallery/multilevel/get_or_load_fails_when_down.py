"""Bug: get_or_load() raises when Redis is down instead of falling back to the loader.

The loader can always produce the value: a Redis outage should cost a load, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import _MISSING, _UNDECODABLE
from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def _l2_lookup_or_load(self, key: str, loader: Callable[[], T], version: int) -> T:
        # BUG: no fallback when Redis is down; correct:
        # except UNAVAILABLE: count a miss and return loader(), cached nowhere
        value = self._read_l2(key)
        if value is not _MISSING and value is not _UNDECODABLE:
            return self._after_l2_read(key, value, version, None)  # type: ignore[no-any-return]
        with self._lock:
            self._misses += 1
        return self._load(key, loader, version, replace=value is _UNDECODABLE)
