"""Bug: a Redis outage propagates ConnectionError: the cache takes the service down with it.

The cache is an optimisation: when Redis is unreachable the call must still run (fail open,
with a warning). The bug sits inside ``__call__``, which the reference does not split into
smaller steps, so ``__call__`` is copied whole; only the marked lines differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, logger
from solutions.redis_cache import redis_cache as _reference_redis_cache

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class FailClosed(CachedFunction[Any, Any]):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        digest = self._digest(args, kwargs)
        # BUG: no try/except REDIS_DOWN around the read (nor the write below):
        # a ConnectionError escapes instead of calling through with a warning
        key = self._entry_key(digest)
        data = self._client.get(key)
        if data is not None:
            try:
                value = self._serializer.loads(data)
            except Exception as exc:
                logger.warning("%s: undecodable entry %s is recomputed: %r", self._name, key, exc)
            else:
                self._count(hit=True)
                return value
        self._count(hit=False)
        result = self._func(*args, **kwargs)
        self._client.set(key, self._dumps(result), px=self._ttl_ms)  # BUG: may raise too
        return result


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), returning a FailClosed wrapper."""
    decorate = _reference_redis_cache(client, **options)

    def decorate_buggy(func: Callable[..., Any]) -> FailClosed:
        cached = decorate(func)
        cached.__class__ = FailClosed  # the reference's object, with the method above
        return cached

    return decorate_buggy
