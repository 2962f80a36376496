"""Bug: the Redis token bucket writes its hash without a TTL, so every key ever seen stays forever.

Each write must PEXPIRE the key (here: once the bucket would be full again, it is the same
as absent); otherwise memory grows with every client id ever limited.
"""

from __future__ import annotations

from typing import Any

import redis

from solutions import rate_limit as reference
from solutions.rate_limit import (
    _LUA_HELPERS,
    SLIDING_WINDOW_SCRIPT,
    Decision,
    FixedWindowLimiter,
    RedisSlidingWindowLimiter,
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


TOKEN_BUCKET_SCRIPT = _LUA_HELPERS + """
-- KEYS[1]: hash {tokens, ts}; absent means full.
-- ARGV: now, rate, capacity, cost, ttl in ms (the time to refill from empty).
local key = KEYS[1]
local now, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local capacity, cost = tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', key, 'tokens', 'ts')
local stored, since = capacity, now
if state[1] then stored, since = tonumber(state[1]), tonumber(state[2]) end
local function tokens_at(t)
  return math.min(capacity, stored + math.max(0, t - since) * rate)
end
local tokens = tokens_at(now)
if tokens >= cost then
  redis.call('HSET', key, 'tokens', num(tokens - cost), 'ts', num(now))
  -- BUG: no PEXPIRE, the key never expires (correct: redis.call('PEXPIRE', key, ARGV[5]))
  return {1, math.floor(tokens - cost), '0'}
end
local wait = (cost - tokens) / rate
local step = ulp(now + wait)
while tokens_at(now + wait) < cost do wait, step = wait + step, step * 2 end
return {0, math.floor(tokens), num(wait)}
"""


class RedisTokenBucketLimiter(reference.RedisTokenBucketLimiter):
    def __init__(self, client: redis.Redis, *args: Any, **kwargs: Any) -> None:
        super().__init__(client, *args, **kwargs)
        self._script = client.register_script(TOKEN_BUCKET_SCRIPT)  # the buggy script above
