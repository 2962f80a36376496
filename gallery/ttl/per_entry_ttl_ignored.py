"""Bug: set(key, value, ttl) validates the per-entry ttl but then uses the default ttl.

Every entry lives for the cache's ttl, whatever the caller asked for.
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
            _check_ttl(ttl)
        super().set(key, value)  # BUG: the per-entry ttl is dropped; `super().set(key, value, ttl)`
