"""Bug: an entry the serializer cannot decode raises instead of being treated as a miss.

One bad write (an old format, another serializer, a truncated value) and every call with
those arguments fails until the entry expires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import (
    _MISS,
    CachedFunction,
    CacheInfo,
    JsonSerializer,
    Serializer,
    _decorator,
)

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class CorruptEntryRaises(CachedFunction[Any, Any]):
    def _read(self, key: str) -> Any:
        data = self._client.get(key)
        # BUG: a corrupt entry breaks every call; the reference wraps loads() in
        # try/except Exception, logs a warning and returns _MISS (recompute, overwrite)
        return _MISS if data is None else self._serializer.loads(data)


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with CorruptEntryRaises."""
    return _decorator(CorruptEntryRaises, client, **options)
