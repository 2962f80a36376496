"""Bug: a bool argument is encoded as the int it equals, so f(True) and f(1) share an entry.

``True == 1`` and ``hash(True) == hash(1)``, but they are different arguments: JSON keeps
``true`` and ``1`` apart, and the encoding must not throw that away. ``_encode`` gets the
bug; ``_digest`` is copied only so that it calls this file's ``_encode``.
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
    if type(value) is bool:
        return int(value)  # BUG: True == 1, but it is not the same argument
    return _reference_encode(value, name)


class BoolIsInt(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canonical = {name: _encode(value, name) for name, value in bound.arguments.items()}
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with BoolIsInt."""
    return _decorator(BoolIsInt, client, **options)
