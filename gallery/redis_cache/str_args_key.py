"""Bug: the key is built from str(args) and str(kwargs), like the article's decorator.

Not bound to the signature (f(1) and f(x=1) differ), dict order leaks into the key, and any
object with a default repr (memory address) is accepted instead of raising TypeError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class StrArgsKey(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        # BUG: str() is neither canonical nor type-checked; the reference binds the call,
        # encodes each argument with _encode() and dumps it as sorted JSON
        text = f"{args}:{kwargs}"
        return hashlib.sha256(text.encode()).hexdigest()


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with StrArgsKey."""
    return _decorator(StrArgsKey, client, **options)
