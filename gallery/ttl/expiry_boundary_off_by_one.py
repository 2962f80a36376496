"""Bug: get() treats an entry as live at exactly t + ttl (`>` instead of `>=`).

The entry is expired from t + ttl on; at that instant get() still returns the stale value.
"""

from __future__ import annotations

from typing import Any

from solutions.ttl import CacheInfo, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def get(self, key: Any, default: Any = None) -> Any:
        data = self._data
        entry = data.get(key)
        if entry is None or self._clock() > entry[1]:  # BUG: live at exactly t + ttl; `>=`
            return default
        data.move_to_end(key)
        return entry[0]
