"""Bug: the fixed window's retry_after is always the whole window, not the time left in it.

A client told to wait `window` seconds waits too long: the budget comes back at the next
aligned window start, which may be a moment away.
"""

from __future__ import annotations

from dataclasses import replace

from solutions import rate_limit as reference
from solutions.rate_limit import (
    SLIDING_WINDOW_SCRIPT,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    RedisSlidingWindowLimiter,
    RedisTokenBucketLimiter,
    SlidingWindowCounterLimiter,
    SlidingWindowLogLimiter,
    TokenBucketLimiter,
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


class FixedWindowLimiter(reference.FixedWindowLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        decision = super().hit(key, cost)
        if decision.allowed:
            return decision
        # BUG: a whole window; correct: the time left until the next aligned window start,
        # (now // window + 1) * window - now, which the reference's decision already holds
        return replace(decision, retry_after=self.window)
