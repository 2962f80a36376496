"""Bug: the sliding log keeps a hit exactly `window` seconds old, counting [t - window, t].

The window is the half-open interval (t - window, t]: a hit made at t - window has left
it. Off by one instant, a client allowed once per second is refused at exactly 1 s.
"""

from __future__ import annotations

from collections import deque
from itertools import accumulate

from solutions import rate_limit as reference
from solutions.rate_limit import (
    SLIDING_WINDOW_SCRIPT,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    FixedWindowLimiter,
    RedisSlidingWindowLimiter,
    RedisTokenBucketLimiter,
    SlidingWindowCounterLimiter,
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


class SlidingWindowLogLimiter(reference.SlidingWindowLogLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        with self._lock:
            now = self._clock()
            log = self._logs.setdefault(key, deque())
            used = self._used.get(key, 0)
            while log and log[0][0] < now - self.window:  # BUG: should be <=
                used -= log.popleft()[1]
            self._used[key] = used
            if used + cost <= self.limit:
                log.append((now, cost))
                self._used[key] = used + cost
                return Decision(True, self.limit - used - cost, 0.0)
            excess = used + cost - self.limit
            freed = accumulate(spent for _, spent in log)
            stamp = next(at for (at, _), total in zip(log, freed, strict=True) if total >= excess)
            wait = _first_allowed(  # BUG: the same off-by-one: should be >= stamp
                now, stamp + self.window - now, lambda t: t - self.window > stamp
            )
            return Decision(False, self.limit - used, wait)
