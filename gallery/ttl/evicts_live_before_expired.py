"""Bug: a full cache evicts its least recently used entry before dropping expired ones.

When the LRU entry is live and another is expired, a live entry is lost for nothing.
"""

from __future__ import annotations

from typing import Any

from solutions.ttl import CacheInfo, _check_ttl, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        if ttl is not None:
            _check_ttl(ttl)  # a rejected call still changes nothing
        data = self._data
        if key not in data and len(data) >= self._maxsize:
            # BUG: evicts before the expired entries are dropped (the reference purges
            # first, then evicts only if the cache is still full)
            data.popitem(last=False)
        super().set(key, value, ttl)
