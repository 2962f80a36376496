"""Bug: the canonical JSON is not sorted: equal dicts in another insertion order get two keys.

``{"a": 1, "b": 2} == {"b": 2, "a": 1}``, so both calls must share one entry, but
``json.dumps`` writes a dict in insertion order unless asked to sort its keys.
"""

from __future__ import annotations

import hashlib
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


class UnsortedKey(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canonical = {name: _encode(value, name) for name, value in bound.arguments.items()}
        # BUG: dict order leaks in; the reference passes sort_keys=True
        text = json.dumps(canonical, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with UnsortedKey."""
    return _decorator(UnsortedKey, client, **options)
