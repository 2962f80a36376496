"""Bug: the sliding counter keeps one count for all keys, so one busy key throttles everyone.

Each key must have its own budget: user A's traffic must not deny user B.
"""

from __future__ import annotations

from solutions import rate_limit as reference
from solutions.rate_limit import (
    SLIDING_WINDOW_SCRIPT,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    FixedWindowLimiter,
    RedisSlidingWindowLimiter,
    RedisTokenBucketLimiter,
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


class SlidingWindowCounterLimiter(reference.SlidingWindowCounterLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")  # a bad key is still refused
        return super().hit("all", cost)  # BUG: every key shares one budget (correct: key)
