"""Bug: INCR, then EXPIRE only if the count is 1: dying in between leaves an immortal key.

The seed article's limiter, as the Redis sliding window. Two commands are not atomic: if
the process dies (or the connection drops) after INCR created the key and before EXPIRE,
the counter has no TTL and the key is rate limited forever. It is also a fixed window
starting at the first request, and a denied request is counted anyway. Use one Lua script
that writes and sets the TTL together (or SET with EX/NX, or a MULTI block).
"""

from __future__ import annotations

import math
from typing import Any

import redis

from solutions import rate_limit as reference
from solutions.rate_limit import (
    SLIDING_WINDOW_SCRIPT,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    FixedWindowLimiter,
    RedisTokenBucketLimiter,
    SlidingWindowCounterLimiter,
    SlidingWindowLogLimiter,
    TokenBucketLimiter,
    _request,
)

__all__ = [
    "SLIDING_WINDOW_SCRIPT",
    "TOKEN_BUCKET_SCRIPT",
    "Decision",
    "FixedWindowLimiter",
    "RedisSlidingWindowLimiter",
    "RedisTokenBucketLimiter",
    "SlidingWindowCounterLimiter",
    "SlidingWindowLogLimiter",
    "TokenBucketLimiter",
]


class RedisSlidingWindowLimiter(reference.RedisSlidingWindowLimiter):
    def __init__(self, client: redis.Redis, *args: Any, **kwargs: Any) -> None:
        super().__init__(client, *args, **kwargs)
        self._client = client  # for the plain commands below (the reference only keeps a script)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        name = f"{self._prefix}:{key}"
        used = int(self._client.incrby(name, cost))
        if used == cost:
            # BUG: a second command; a crash before it leaves the counter without a TTL
            self._client.expire(name, math.ceil(self.window))
        if used <= self.limit:
            return Decision(True, self.limit - used, 0.0)
        ttl = int(self._client.pttl(name))
        return Decision(False, max(0, self.limit - used + cost), max(ttl, 0) / 1000)
