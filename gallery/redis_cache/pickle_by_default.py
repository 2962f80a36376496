"""Bug: the default serializer is pickle: whoever can write the key runs code in your process.

Unpickling data read from a shared server is remote code execution waiting to happen; the
contract says JSON by default.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer
from solutions.redis_cache import redis_cache as _reference_redis_cache

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class _Pickle:
    def dumps(self, obj: Any) -> bytes:
        return pickle.dumps(obj)

    def loads(self, data: Any) -> Any:
        return pickle.loads(data)


def redis_cache(
    client: redis.Redis, *, serializer: Serializer | None = None, **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator, with a different default serializer."""
    chosen = serializer if serializer is not None else _Pickle()  # BUG: pickle on Redis data
    return _reference_redis_cache(client, serializer=chosen, **options)
