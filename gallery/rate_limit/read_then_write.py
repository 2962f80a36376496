"""Bug: the Redis log reads (ZCARD) and writes (ZADD) in separate commands: threads over-admit.

Between one client's ZCARD and its ZADD, other clients read the same count and all decide
"there is room". Check-then-act on a shared store must be one atomic step: a Lua script
(or WATCH/MULTI with retries). It also costs four round trips per decision instead of one.
"""

from __future__ import annotations

import secrets
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
    _first_allowed,
    _request,
    _ttl_ms,
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
        name, now = f"{self._prefix}:{key}", self._clock()
        self._client.zremrangebyscore(name, "-inf", repr(now - self.window))
        used = int(self._client.zcard(name))  # BUG: read here, written below: not atomic
        if used + cost <= self.limit:
            token = secrets.token_hex(8)
            self._client.zadd(name, {f"{token}:{i}": now for i in range(cost)})
            self._client.pexpire(name, _ttl_ms(self.window))
            return Decision(True, self.limit - used - cost, 0.0)
        nth = used + cost - self.limit - 1
        ((_, leaves),) = self._client.zrange(name, nth, nth, withscores=True)
        wait = _first_allowed(now, leaves + self.window - now, lambda t: t - self.window >= leaves)
        return Decision(False, self.limit - used, wait)
