"""Bug: Redis failures are swallowed without a warning, so an outage is invisible.

Failing open is right, but silently: every call now hits the backend and nobody is told
why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class SilentFailOpen(CachedFunction[Any, Any]):
    def _fail_open(self, exc: Exception, what: str) -> None:
        pass  # BUG: nobody is told that the cache is down; the reference logs a warning


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with SilentFailOpen."""
    return _decorator(SilentFailOpen, client, **options)
