"""Bug: invalidate_all() SCANs for the prefix's keys and deletes them: O(all keys in Redis).

On a big shared server this blocks for seconds, and entries written during the scan survive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class InvalidateAllScan(CachedFunction[Any, Any]):
    def invalidate_all(self) -> None:
        # BUG: walks the whole keyspace; the reference is one INCR of the generation key
        doomed = list(self._client.scan_iter(match=f"{self._prefix}:*"))
        if doomed:
            self._client.delete(*doomed)


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with InvalidateAllScan."""
    return _decorator(InvalidateAllScan, client, **options)
