"""Bug: the entry is written by SET and then given its TTL by PEXPIRE: two commands.

A crash, timeout or failover between them leaves an entry that never expires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class SetThenExpire(CachedFunction[Any, Any]):
    def _write(self, key: str, payload: str | bytes) -> None:
        # BUG: not atomic; the reference is one SET key payload PX ttl_ms
        self._client.set(key, payload)
        self._client.pexpire(key, self._ttl_ms)


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with SetThenExpire."""
    return _decorator(SetThenExpire, client, **options)
