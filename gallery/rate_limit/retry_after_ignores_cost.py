"""Bug: the token bucket's retry_after waits for one token instead of `cost` tokens.

A denied hit of cost 3 told to come back when one token is there is denied again: the
wait must be (cost - tokens) / rate.
"""

from __future__ import annotations

import math

from solutions import rate_limit as reference
from solutions.rate_limit import (
    SLIDING_WINDOW_SCRIPT,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    FixedWindowLimiter,
    RedisSlidingWindowLimiter,
    RedisTokenBucketLimiter,
    SlidingWindowCounterLimiter,
    SlidingWindowLogLimiter,
    _first_allowed,
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


class TokenBucketLimiter(reference.TokenBucketLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.capacity, "capacity")
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key, (float(self.capacity), now))
            tokens = self._tokens(bucket, now)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return Decision(True, math.floor(tokens - cost), 0.0)
            # correct: (cost - tokens) / self.rate, until self._tokens(bucket, t) >= cost
            wait = _first_allowed(
                now, (1 - tokens) / self.rate, lambda t: True  # BUG: one token, not cost
            )
            return Decision(False, math.floor(tokens), wait)
