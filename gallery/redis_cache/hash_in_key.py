"""Bug: the key digest is Python's hash(), which is salted per process for str.

Two processes (or a restart) compute different keys for the same call: every process has
its own private cache in Redis, and invalidate() from another process misses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import (
    CachedFunction,
    CacheInfo,
    JsonSerializer,
    Serializer,
    _decorator,
    _encode,
)

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class HashInKey(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canonical = {name: _encode(value, name) for name, value in bound.arguments.items()}
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        # BUG: per-process salt (PYTHONHASHSEED); the reference uses hashlib.sha256
        return format(hash(text) & 0xFFFF_FFFF_FFFF_FFFF, "016x")


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with HashInKey."""
    return _decorator(HashInKey, client, **options)
