"""Bug: the token bucket is not capped at capacity, so a long idle builds up an unbounded burst.

After an hour idle at 10 tokens/s the bucket would hold 36,000 tokens; it must never hold
more than `capacity`.
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
    SlidingWindowCounterLimiter,
    SlidingWindowLogLimiter,
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
    def _tokens(self, bucket: tuple[float, float], at: float) -> float:
        tokens, since = bucket
        # correct: min(self.capacity, tokens + max(0.0, at - since) * self.rate)
        return tokens + max(0.0, at - since) * self.rate  # BUG: no cap at capacity
