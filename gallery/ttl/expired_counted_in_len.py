"""Bug: len() and `in` count stored entries, expired ones included.

Expired entries linger until something drops them, so counting what is stored overcounts.
"""

from __future__ import annotations

from solutions.ttl import CacheInfo, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def __len__(self) -> int:
        # BUG: expired entries not yet dropped are counted (the reference purges first)
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        # BUG: an expired entry still stored is `in` the cache (no `clock() < expires_at`)
        return key in self._data
