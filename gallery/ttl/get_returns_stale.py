"""Bug: get() returns an entry's value without checking whether it has expired.

Until a set() or expire() drops it, an expired value keeps being served.
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
        if entry is None:  # BUG: no expiry check (`or self._clock() >= entry[1]`)
            return default
        data.move_to_end(key)
        return entry[0]
