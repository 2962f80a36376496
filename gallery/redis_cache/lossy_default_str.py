"""Bug: the JSON serializer falls back to str(), so a set result is cached as the text "{1, 2}".

The first call returns the set, every hit returns a string: a result the serializer cannot
encode must raise TypeError and store nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, Serializer
from solutions.redis_cache import JsonSerializer as _ReferenceJsonSerializer
from solutions.redis_cache import redis_cache as _reference_redis_cache

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class JsonSerializer(_ReferenceJsonSerializer):
    def dumps(self, obj: Any) -> str:
        # BUG: lossy fallback; the reference has no default=, so json.dumps raises TypeError
        return json.dumps(obj, separators=(",", ":"), default=str)


def redis_cache(
    client: redis.Redis, *, serializer: Serializer | None = None, **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator, with this file's JsonSerializer as the default."""
    chosen = serializer if serializer is not None else JsonSerializer()
    return _reference_redis_cache(client, serializer=chosen, **options)
