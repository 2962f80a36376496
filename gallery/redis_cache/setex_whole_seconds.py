"""Bug: the TTL is set with SETEX in whole seconds, so ttl=0.25 lives a full second.

SETEX (like EX) counts whole seconds; a fractional TTL needs PX (milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class SetexWholeSeconds(CachedFunction[Any, Any]):
    def _write(self, key: str, payload: str | bytes) -> None:
        # BUG: whole seconds, rounded up; the reference is SET key payload PX ttl_ms
        seconds = -(-self._ttl_ms // 1000)
        self._client.setex(key, seconds, payload)


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with SetexWholeSeconds."""
    return _decorator(SetexWholeSeconds, client, **options)
