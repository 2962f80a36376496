"""Bug: the sliding counter adds the whole previous window instead of weighting it.

estimate = previous * (1 - elapsed / window) + current. Without the weight the limiter
admits about half as much as it should near the start of a window.
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
    def _estimate(self, state: tuple[float, int, int], at: float) -> float:
        index, previous, current = state
        now_index = at // self.window
        if now_index == index + 1:
            previous, current = current, 0
        elif now_index != index:
            previous, current = 0, 0
        # correct: previous * (1 - (at % self.window) / self.window) + current
        return previous + current  # BUG: previous must be weighted by the unexpired share
