"""Bug: invalidate_all() bumps the generation but keys do not include it: nothing is forgotten.

The generation only works if every key is read and written under the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class NoGenerationOnKey(CachedFunction[Any, Any]):
    def _entry_key(self, digest: str) -> str:
        # BUG: the generation is not part of the key; the reference GETs the generation
        # key and returns f"{prefix}:{generation}:{digest}"
        return f"{self._prefix}:{digest}"


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with NoGenerationOnKey."""
    return _decorator(NoGenerationOnKey, client, **options)
