"""Bug: the generation is read once per process, so another process's invalidate_all() is unseen.

Saves a command per hit, but every other worker keeps serving entries that were
invalidated (until it restarts or the entries expire).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from solutions.redis_cache import CachedFunction, CacheInfo, JsonSerializer, Serializer, _decorator

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]


class GenerationCached(CachedFunction[Any, Any]):
    _generation: int | None = None  # this process's copy of the generation

    def invalidate_all(self) -> None:
        self._generation = int(self._client.incr(self._generation_key))

    def _entry_key(self, digest: str) -> str:
        # BUG: never re-read, so other processes' bumps go unseen; the reference GETs
        # the generation key on every call
        if self._generation is None:
            raw = self._client.get(self._generation_key)
            self._generation = 0 if raw is None else int(raw)
        return f"{self._prefix}:{self._generation}:{digest}"


def redis_cache(client: redis.Redis, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """The reference decorator (same checks and defaults), wrapping with GenerationCached."""
    return _decorator(GenerationCached, client, **options)
