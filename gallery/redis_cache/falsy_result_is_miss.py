"""Bug: a cached falsy result (0, "", None, [], False) is taken for a miss and recomputed.

The article's ``if cached:`` test: "is there an entry?" and "is the value truthy?" are two
different questions.
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


class FalsyIsMiss(CachedFunction[Any, Any]):
    def _read(self, key: str) -> Any:
        value = super()._read(key)
        # BUG: a falsy value is a perfectly good hit; the reference returns it as it is
        return value if value else _MISS


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with FalsyIsMiss."""
    return _decorator(FalsyIsMiss, client, **options)
