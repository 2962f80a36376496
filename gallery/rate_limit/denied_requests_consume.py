"""Bug: the fixed window counts a denied request's cost, so a fast retrier locks itself out.

Denied requests must consume nothing: a client hammering a full window would otherwise
push its count further and further above the limit.
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
            index = now // self.window
            counted, used = self._windows.get(key, (index, 0))
            if counted != index:
                used = 0
            # BUG: counted before the check; the correct place is inside the `if` below
            self._windows[key] = (index, used + cost)
            if used + cost <= self.limit:
                return Decision(True, self.limit - used - cost, 0.0)
            wait = _first_allowed(
                now, (index + 1) * self.window - now, lambda t: t // self.window > index
            )
            return Decision(False, self.limit - used, wait)
