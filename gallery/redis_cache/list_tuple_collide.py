"""Bug: the key is plain JSON of the arguments, so a tuple and a list with the same items collide.

JSON has one array type: f((1, 2)) and f([1, 2]) share an entry and one returns the other's
result. ``_encode`` gets the bug; ``_digest`` is copied only so that it calls this file's
``_encode``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator
from solutions.redis_cache import _encode as _reference_encode

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


def _encode(value: object, name: str) -> object:
    if type(value) is list or type(value) is tuple:
        # BUG: a list and a tuple look alike; the reference tags each array ["list", ...]
        # or ["tuple", ...]
        return [_encode(item, name) for item in value]
    return _reference_encode(value, name)


class ListTupleCollide(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canonical = {name: _encode(value, name) for name, value in bound.arguments.items()}
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with ListTupleCollide."""
    return _decorator(ListTupleCollide, client, **options)
