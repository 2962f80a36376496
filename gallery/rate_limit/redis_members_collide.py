"""Bug: Redis log members are named by time alone, so two hits at one instant collapse.

A sorted set holds each member once: ZADD of an existing member only updates its score.
Members must be unique per hit (a random token per call), or the log under-counts.
"""

from __future__ import annotations

from typing import Any

import redis

from solutions import rate_limit as reference
from solutions.rate_limit import (
    _LUA_HELPERS,
    TOKEN_BUCKET_SCRIPT,
    Decision,
    FixedWindowLimiter,
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


SLIDING_WINDOW_SCRIPT = _LUA_HELPERS + """
-- KEYS[1]: sorted set, one member per unit of cost admitted, scored by its time.
-- ARGV: now, window, limit, cost, a token unique to this call, ttl in ms.
local key = KEYS[1]
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local limit, cost = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', num(now - window))
local used = redis.call('ZCARD', key)
if used + cost <= limit then
  local score, batch = num(now), {}
  for i = 1, cost do
    batch[#batch + 1] = score
    -- BUG: not unique: same time, same member (correct: ARGV[5] .. ':' .. i)
    batch[#batch + 1] = score .. ':' .. i
    if #batch >= 1000 or i == cost then
      redis.call('ZADD', key, unpack(batch))
      batch = {}
    end
  end
  redis.call('PEXPIRE', key, ARGV[6])
  return {1, limit - used - cost, '0'}
end
-- Denied: the oldest units leave first; wait until enough of them have left.
local nth = used + cost - limit - 1
local leaves = tonumber(redis.call('ZRANGE', key, nth, nth, 'WITHSCORES')[2])
local wait = leaves + window - now
local step = ulp(now + wait)
while (now + wait) - window < leaves do wait, step = wait + step, step * 2 end
return {0, limit - used, num(wait)}
"""


class RedisSlidingWindowLimiter(reference.RedisSlidingWindowLimiter):
    def __init__(self, client: redis.Redis, *args: Any, **kwargs: Any) -> None:
        super().__init__(client, *args, **kwargs)
        self._script = client.register_script(SLIDING_WINDOW_SCRIPT)  # the buggy script above
