"""Bug: a Redis outage propagates ConnectionError: the cache takes the service down with it.

The cache is an optimisation: when Redis is unreachable the call must still run (fail open,
with a warning). Here the outage is re-raised, on the read and on the write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class FailClosed(CachedFunction[Any, Any]):
    def _fail_open(self, exc: Exception, what: str) -> None:
        # BUG: the ConnectionError escapes; the reference logs a warning and carries on
        # without the cache (calls through on a failed read, skips a failed write)
        raise exc


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with FailClosed."""
    return _decorator(FailClosed, client, **options)
