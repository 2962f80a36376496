"""Bug: the entry is written by SET and then given its TTL by PEXPIRE: two commands.

A crash, timeout or failover between them leaves an entry that never expires. The bug sits
inside ``__call__``, which the reference does not split into smaller steps, so ``__call__``
is copied whole; only the marked lines differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import (
    REDIS_DOWN,
    CachedFunction,
    CacheInfo,
    JsonSerializer,
    Serializer,
    logger,
)
from solutions.redis_cache import redis_cache as _reference_redis_cache

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class SetThenExpire(CachedFunction[Any, Any]):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        digest = self._digest(args, kwargs)
        key: str | None = None
        data: Any = None
        try:
            key = self._entry_key(digest)
            data = self._client.get(key)
        except REDIS_DOWN as exc:
            key = None
            logger.warning("%s: cache read failed, calling through: %r", self._name, exc)
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
        if key is not None:
            payload = self._dumps(result)
            try:
                # BUG: not atomic; the reference is one SET key payload PX ttl_ms
                self._client.set(key, payload)
                self._client.pexpire(key, self._ttl_ms)
            except REDIS_DOWN as exc:
                logger.warning("%s: cache write failed: %r", self._name, exc)
        return result


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), returning a SetThenExpire wrapper."""
    decorate = _reference_redis_cache(client, **options)

    def decorate_buggy(func: Callable[..., Any]) -> SetThenExpire:
        cached = decorate(func)
        cached.__class__ = SetThenExpire  # the reference's object, with the method above
        return cached

    return decorate_buggy
