"""Bug: positional and keyword arguments are encoded as given, not bound to the signature.

f(1), f(x=1) and f() (default x=1) are the same call but get three entries.
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


class KwargsNotBound(CachedFunction[Any, Any]):
    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        self._signature.bind(*args, **kwargs)  # still rejects calls that do not bind
        # BUG: the call as written, not as bound (the reference encodes bound.arguments
        # after bound.apply_defaults()): f(1), f(x=1) and f() all differ
        canonical = {"args": _encode(args, "args"), "kwargs": _encode(kwargs, "kwargs")}
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with KwargsNotBound."""
    return _decorator(KwargsNotBound, client, **options)
