"""Bug: invalidate() and invalidate_all() swallow an outage: the caller thinks stale data is gone.

Reads may fail open (the worst case is a recomputation); a failed invalidation must raise,
or stale data is served after the caller was told it is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import (
    REDIS_DOWN,
    CachedFunction,
    CacheInfo,
    JsonSerializer,
    Serializer,
    _decorator,
    logger,
)

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class InvalidateFailsOpen(CachedFunction[Any, Any]):
    def invalidate(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().invalidate(*args, **kwargs)
        except REDIS_DOWN:
            return False  # BUG: the stale entry is still there and nobody knows; must raise

    def invalidate_all(self) -> None:
        try:
            super().invalidate_all()
        except REDIS_DOWN:
            logger.warning("invalidate_all failed")  # BUG: must raise


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with InvalidateFailsOpen."""
    return _decorator(InvalidateFailsOpen, client, **options)
