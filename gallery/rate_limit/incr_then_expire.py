"""Bug: INCR, then EXPIRE only if the count is 1: dying in between leaves an immortal key.

The seed article's limiter, as the Redis sliding window. Two commands are not atomic: if
the process dies (or the connection drops) after INCR created the key and before EXPIRE,
the counter has no TTL and the key is rate limited forever. It is also a fixed window
starting at the first request, and a denied request is counted anyway. Use one Lua script
that writes and sets the TTL together (or SET with EX/NX, or a MULTI block).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import redis

Clock = Callable[[], float]

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


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float


# --- argument checks -------------------------------------------------------------------


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")
    return value


def _positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _request(key: object, cost: object, most: int, what: str) -> None:
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, got {key!r}")
    if isinstance(cost, bool) or not isinstance(cost, int):
        raise TypeError(f"cost must be an int, got {cost!r}")
    if cost < 1:
        raise ValueError(f"cost must be at least 1, got {cost}")
    if cost > most:
        raise ValueError(f"cost {cost} can never be allowed: it exceeds the {what} {most}")


def _first_allowed(now: float, wait: float, allowed: Callable[[float], bool]) -> float:
    """``wait``, raised by float ulps until a hit at ``now + wait`` is really allowed.

    ``wait`` is the exact answer up to rounding; rounding may put ``now + wait`` one ulp
    before the edge, and the promise is that a hit at exactly that time succeeds.
    """
    wait, step = max(wait, 0.0), math.ulp(now + wait)
    while not allowed(now + wait):
        wait += step
        step *= 2  # one ulp is all it takes in practice; doubling bounds the loop anyway
    return wait


# --- Part 1: in memory -----------------------------------------------------------------


class FixedWindowLimiter:
    """At most ``limit`` cost per window ``[k * window, (k + 1) * window)``."""

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = _count("limit", limit)
        self.window = _positive("window", window)
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window index, used)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        with self._lock:
            now = self._clock()
            index = now // self.window
            counted, used = self._windows.get(key, (index, 0))
            if counted != index:  # a new window: the old count no longer matters
                used = 0
            if used + cost <= self.limit:
                self._windows[key] = (index, used + cost)
                return Decision(True, self.limit - used - cost, 0.0)
            wait = _first_allowed(
                now, (index + 1) * self.window - now, lambda t: t // self.window > index
            )
            return Decision(False, self.limit - used, wait)


class SlidingWindowLogLimiter:
    """Exact sliding window: the cost admitted in ``(t - window, t]`` never exceeds ``limit``."""

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = _count("limit", limit)
        self.window = _positive("window", window)
        self._clock = clock
        self._lock = threading.Lock()
        self._logs: dict[str, deque[tuple[float, int]]] = {}  # key -> (time, cost), oldest first
        self._used: dict[str, int] = {}  # key -> the sum of the costs in its log

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        with self._lock:
            now = self._clock()
            log = self._logs.setdefault(key, deque())
            used = self._used.get(key, 0)
            while log and log[0][0] <= now - self.window:
                used -= log.popleft()[1]
            self._used[key] = used
            if used + cost <= self.limit:
                log.append((now, cost))
                self._used[key] = used + cost
                return Decision(True, self.limit - used - cost, 0.0)
            # The oldest hits leave first: find the one whose departure frees enough.
            excess = used + cost - self.limit
            freed = accumulate(spent for _, spent in log)
            stamp = next(at for (at, _), total in zip(log, freed, strict=True) if total >= excess)
            wait = _first_allowed(
                now, stamp + self.window - now, lambda t: t - self.window >= stamp
            )
            return Decision(False, self.limit - used, wait)


class SlidingWindowCounterLimiter:
    """Approximate sliding window from two fixed-window counts.

    estimate(t) = previous * (1 - elapsed / window) + current, where elapsed is ``t``'s
    offset into its aligned window; allowed iff ``estimate + cost <= limit``.
    """

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = _count("limit", limit)
        self.window = _positive("window", window)
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int, int]] = {}  # key -> (index, previous, current)

    def _estimate(self, state: tuple[float, int, int], at: float) -> float:
        index, previous, current = state
        now_index = at // self.window
        if now_index == index + 1:
            previous, current = current, 0
        elif now_index != index:
            previous, current = 0, 0
        return previous * (1 - (at % self.window) / self.window) + current

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        with self._lock:
            now = self._clock()
            index = now // self.window
            old_index, previous, current = self._counts.get(key, (index, 0, 0))
            if index == old_index + 1:
                previous, current = current, 0
            elif index != old_index:
                previous, current = 0, 0
            state = (index, previous, current)
            estimate = self._estimate(state, now)
            if estimate + cost <= self.limit:
                self._counts[key] = (index, previous, current + cost)
                return Decision(True, max(0, math.floor(self.limit - estimate - cost)), 0.0)
            start = index * self.window
            room = self.limit - cost  # the estimate must fall to this
            if current <= room:  # the previous window's weight fades out within this one
                when = start + self.window * (previous - (room - current)) / previous
            else:  # only next window, as this window's count fades out in turn
                when = start + self.window + self.window * (current - room) / current
            wait = _first_allowed(
                now, when - now, lambda t: self._estimate(state, t) + cost <= self.limit
            )
            return Decision(False, max(0, math.floor(self.limit - estimate)), wait)


class TokenBucketLimiter:
    """``capacity`` tokens, full at first sight of a key, refilled at ``rate`` per second."""

    def __init__(self, rate: float, capacity: int, *, clock: Clock = time.monotonic) -> None:
        self.rate = _positive("rate", rate)
        self.capacity = _count("capacity", capacity)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, as of time)

    def _tokens(self, bucket: tuple[float, float], at: float) -> float:
        tokens, since = bucket
        return min(self.capacity, tokens + max(0.0, at - since) * self.rate)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.capacity, "capacity")
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key, (float(self.capacity), now))
            tokens = self._tokens(bucket, now)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return Decision(True, math.floor(tokens - cost), 0.0)
            wait = _first_allowed(
                now, (cost - tokens) / self.rate, lambda t: self._tokens(bucket, t) >= cost
            )
            return Decision(False, math.floor(tokens), wait)


# --- Part 2: in Redis ------------------------------------------------------------------

# Shared Lua: the float format that round-trips a double, and a step that moves a time by
# at least one ulp (x * 2^-52 is between one and two ulps of x), doubled until it is enough.
_LUA_HELPERS = """
local function num(x) return string.format('%.17g', x) end
local function ulp(x) return math.max(math.abs(x), 2^-1022) * 2^-52 end
"""

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
    batch[#batch + 1] = ARGV[5] .. ':' .. i
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
  redis.call('PEXPIRE', key, ARGV[5])
  return {1, math.floor(tokens - cost), '0'}
end
local wait = (cost - tokens) / rate
local step = ulp(now + wait)
while tokens_at(now + wait) < cost do wait, step = wait + step, step * 2 end
return {0, math.floor(tokens), num(wait)}
"""


def _ttl_ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


def _decision(reply: Any) -> Decision:
    allowed, remaining, wait = reply  # wait comes back as text: Lua numbers become ints
    return Decision(bool(allowed), int(remaining), float(wait))


class RedisSlidingWindowLimiter:
    """``SlidingWindowLogLimiter`` shared through Redis: one sorted set per key.

    Each unit of cost is one member (``<random token>:<i>``, so members never collide),
    scored by the caller's clock: ``ZCARD`` is the cost in the window, and the
    ``n``-th oldest member tells when enough cost has left it.
    """

    def __init__(
        self,
        client: redis.Redis,
        limit: int,
        window: float,
        *,
        clock: Clock = time.time,
        prefix: str = "rl",
    ) -> None:
        self.limit = _count("limit", limit)
        self.window = _positive("window", window)
        self._clock = clock
        self._prefix = prefix
        self._client = client

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.limit, "limit")
        name = f"{self._prefix}:{key}"
        used = int(self._client.incrby(name, cost))
        if used == cost:
            # BUG: a second command; a crash before it leaves the counter without a TTL
            self._client.expire(name, math.ceil(self.window))
        if used <= self.limit:
            return Decision(True, self.limit - used, 0.0)
        ttl = int(self._client.pttl(name))
        return Decision(False, max(0, self.limit - used + cost), max(ttl, 0) / 1000)


class RedisTokenBucketLimiter:
    """``TokenBucketLimiter`` shared through Redis: one hash ``{tokens, ts}`` per key.

    The key expires once the bucket would be full again, which is the same as absent.
    """

    def __init__(
        self,
        client: redis.Redis,
        rate: float,
        capacity: int,
        *,
        clock: Clock = time.time,
        prefix: str = "rl",
    ) -> None:
        self.rate = _positive("rate", rate)
        self.capacity = _count("capacity", capacity)
        self._clock = clock
        self._prefix = prefix
        self._script = client.register_script(TOKEN_BUCKET_SCRIPT)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        _request(key, cost, self.capacity, "capacity")
        args: list[str | int] = [repr(self._clock()), repr(self.rate), self.capacity, cost,
                _ttl_ms(self.capacity / self.rate)]
        return _decision(self._script(keys=[f"{self._prefix}:{key}"], args=args))
