"""Bug: get() does not count as a use, so eviction is first-in first-out, not LRU.

A key read constantly is evicted as if it had not been touched since it was set.
"""

from __future__ import annotations

from typing import Any

from solutions.ttl import CacheInfo, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def get(self, key: Any, default: Any = None) -> Any:
        entry = self._data.get(key)
        if entry is None or self._clock() >= entry[1]:
            return default
        # BUG: a hit does not move the key to the most recently used end
        # (missing: `self._data.move_to_end(key)`)
        return entry[0]
