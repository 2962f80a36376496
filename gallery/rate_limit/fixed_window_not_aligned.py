"""Bug: the fixed window starts at a key's first request instead of at a multiple of `window`.

The contract aligns windows on multiples of `window`, so every key and every process
agree on where a window ends; a window started by the first request ends somewhere else.
"""

from __future__ import annotations

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


class FixedWindowLimiter(reference.FixedWindowLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        with self._lock:
            now = self._clock()
            # BUG: the window starts with the key's first request, not on a multiple of window
            # (correct: index = now // self.window, and a new window when the index changes)
            start, used = self._windows.get(key, (now, 0))
            if now >= start + self.window:
                start, used = now, 0
            if used + cost <= self.limit:
                self._windows[key] = (start, used + cost)
                return Decision(True, self.limit - used - cost, 0.0)
            wait = _first_allowed(
                now, start + self.window - now, lambda t: t >= start + self.window
            )
            return Decision(False, self.limit - used, wait)
