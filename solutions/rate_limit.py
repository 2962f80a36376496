"""Rate limiters: four in memory (Part 1) and two in Redis (Part 2), one ``Decision`` type.

Every limiter answers ``hit(key="default", cost=1) -> Decision``. Keys have independent
budgets, a denied request consumes nothing, and ``retry_after`` is exact: a hit at
``clock() + retry_after`` is allowed if nothing else arrived in between. Floats are
handled with care: the computed wait is nudged up by the last float ulp when rounding
would otherwise land the retry a hair too early (see ``first_allowed``).

``remaining`` is how many more cost-1 requests would be allowed right now, after this
decision: exact for the window counts, floored for the sliding counter's estimate and the
bucket's tokens, never negative.

Extension points
----------------
Each in-memory limiter's ``hit`` is the mechanics (check the request, take the lock, read
the clock) around ``decide``, the algorithm; the steps where an algorithm can go wrong are
methods of their own. The gallery's entries override these and nothing else.

- ``decide(key, now, cost) -> Decision``: the decision for a checked request at ``now``,
  made under the limiter's lock (every in-memory limiter).
- ``FixedWindowLimiter.window_of(key, now) -> (start, end)``: the window ``now`` falls in:
  aligned on multiples of ``window``. ``charge(key, start, cost)``: count an admitted
  request's cost in the window that starts at ``start``.
- ``SlidingWindowLogLimiter.has_left(stamp, now) -> bool``: whether a hit admitted at
  ``stamp`` is out of the window ``(now - window, now]``.
- ``SlidingWindowCounterLimiter.weight(elapsed) -> float``: the share of the previous
  window still inside the sliding one, ``elapsed`` seconds into the current window.
- ``TokenBucketLimiter.tokens_at(bucket, at) -> float``: the tokens of a bucket
  ``(tokens, as of)`` at time ``at``: refilled at ``rate``, capped at ``capacity``.
  ``retry_after(bucket, now, cost) -> float``: the exact wait until ``cost`` tokens.
- ``LUA_SCRIPT`` (the Redis limiters): the script each ``hit`` runs, one ``EVALSHA``;
  ``client``, ``clock`` and ``prefix`` are the constructor's.

Public helpers they build on: ``check_request``, ``first_allowed`` and ``ttl_ms``.
"""

from __future__ import annotations

import math
import secrets
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


# --- argument checks: each names its argument --------------------------------------------


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")
    return value


def _duration(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number (int or float), got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _clock(clock: object) -> Clock:
    if not callable(clock):
        raise TypeError(f"clock must be a callable returning seconds, got {clock!r}")
    return clock


def _client(client: object) -> redis.Redis:
    if not callable(getattr(client, "register_script", None)):
        raise TypeError(f"client must be a redis client (redis.Redis), got {client!r}")
    return client  # type: ignore[return-value]


def _prefix(prefix: object) -> str:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {prefix!r}")
    if not prefix:
        raise ValueError("prefix must not be empty: it keeps the limiter's keys apart")
    return prefix


def check_request(key: object, cost: object, most: int, what: str) -> None:
    """``key`` a ``str``, ``cost`` an ``int`` from 1 to ``most`` (the ``what``), or raise."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, got {key!r}")
    if isinstance(cost, bool) or not isinstance(cost, int):
        raise TypeError(f"cost must be an int, got {cost!r}")
    if cost < 1:
        raise ValueError(f"cost must be at least 1, got {cost}")
    if cost > most:
        raise ValueError(f"cost {cost} can never be allowed: it exceeds the {what} {most}")


def first_allowed(now: float, wait: float, allowed: Callable[[float], bool]) -> float:
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


class _InMemoryLimiter:
    """What the four share: ``hit`` checks the request, then decides under a lock."""

    most: int  # the largest cost a request may have
    most_name: str  # what that bound is called: "limit" or "capacity"

    def __init__(self, clock: object) -> None:
        self._clock = _clock(clock)
        self._lock = threading.Lock()

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        check_request(key, cost, self.most, self.most_name)
        with self._lock:
            return self.decide(key, self._clock(), cost)

    def decide(self, key: str, now: float, cost: int) -> Decision:
        raise NotImplementedError  # pragma: no cover - each limiter has its own


class FixedWindowLimiter(_InMemoryLimiter):
    """At most ``limit`` cost per window ``[k * window, (k + 1) * window)``."""

    most_name = "limit"

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = self.most = _count("limit", limit)
        self.window = _duration("window", window)
        super().__init__(clock)
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, used)

    def decide(self, key: str, now: float, cost: int) -> Decision:
        start, end = self.window_of(key, now)
        counted, used = self._windows.get(key, (start, 0))
        if counted != start:  # a new window: the old count no longer matters
            used = 0
        if used + cost <= self.limit:
            self.charge(key, start, cost)
            return Decision(True, self.limit - used - cost, 0.0)
        wait = first_allowed(now, end - now, lambda t: self.window_of(key, t)[0] != start)
        return Decision(False, self.limit - used, wait)

    def window_of(self, key: str, now: float) -> tuple[float, float]:
        """The window ``now`` falls in, ``[start, end)``: aligned on multiples of window."""
        index = now // self.window
        return index * self.window, (index + 1) * self.window

    def charge(self, key: str, start: float, cost: int) -> None:
        """Count ``cost`` for ``key`` in the window that starts at ``start``."""
        counted, used = self._windows.get(key, (start, 0))
        self._windows[key] = (start, (used if counted == start else 0) + cost)


class SlidingWindowLogLimiter(_InMemoryLimiter):
    """Exact sliding window: the cost admitted in ``(t - window, t]`` never exceeds ``limit``."""

    most_name = "limit"

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = self.most = _count("limit", limit)
        self.window = _duration("window", window)
        super().__init__(clock)
        self._logs: dict[str, deque[tuple[float, int]]] = {}  # key -> (time, cost), oldest first
        self._used: dict[str, int] = {}  # key -> the sum of the costs in its log

    def decide(self, key: str, now: float, cost: int) -> Decision:
        log = self._logs.setdefault(key, deque())
        used = self._used.get(key, 0)
        while log and self.has_left(log[0][0], now):
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
        wait = first_allowed(now, stamp + self.window - now, lambda t: self.has_left(stamp, t))
        return Decision(False, self.limit - used, wait)

    def has_left(self, stamp: float, now: float) -> bool:
        """Whether a hit admitted at ``stamp`` is out of the window ``(now - window, now]``."""
        return stamp <= now - self.window


class SlidingWindowCounterLimiter(_InMemoryLimiter):
    """Approximate sliding window from two fixed-window counts.

    estimate(t) = previous * weight(elapsed) + current, where elapsed is ``t``'s offset
    into its aligned window; allowed iff ``estimate + cost <= limit``.
    """

    most_name = "limit"

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = self.most = _count("limit", limit)
        self.window = _duration("window", window)
        super().__init__(clock)
        self._counts: dict[str, tuple[float, int, int]] = {}  # key -> (index, previous, current)

    def decide(self, key: str, now: float, cost: int) -> Decision:
        index = now // self.window
        state = self._counts_at(self._counts.get(key, (index, 0, 0)), index)
        _, previous, current = state
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
        wait = first_allowed(
            now, when - now, lambda t: self._estimate(state, t) + cost <= self.limit
        )
        return Decision(False, max(0, math.floor(self.limit - estimate)), wait)

    def weight(self, elapsed: float) -> float:
        """The share of the previous window still inside the sliding window, ``elapsed``
        seconds into the current one."""
        return 1 - elapsed / self.window

    def _counts_at(self, state: tuple[float, int, int], index: float) -> tuple[float, int, int]:
        """The counts as of window ``index``: one window on, current becomes previous."""
        counted, _, current = state
        if index == counted + 1:
            return index, current, 0
        if index != counted:
            return index, 0, 0
        return state

    def _estimate(self, state: tuple[float, int, int], at: float) -> float:
        _, previous, current = self._counts_at(state, at // self.window)
        return previous * self.weight(at % self.window) + current


class TokenBucketLimiter(_InMemoryLimiter):
    """``capacity`` tokens, full at first sight of a key, refilled at ``rate`` per second."""

    most_name = "capacity"

    def __init__(self, rate: float, capacity: int, *, clock: Clock = time.monotonic) -> None:
        self.rate = _duration("rate", rate)
        self.capacity = self.most = _count("capacity", capacity)
        super().__init__(clock)
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, as of time)

    def decide(self, key: str, now: float, cost: int) -> Decision:
        bucket = self._buckets.get(key, (float(self.capacity), now))
        tokens = self.tokens_at(bucket, now)
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, now)
            return Decision(True, math.floor(tokens - cost), 0.0)
        return Decision(False, math.floor(tokens), self.retry_after(bucket, now, cost))

    def tokens_at(self, bucket: tuple[float, float], at: float) -> float:
        """The tokens of ``bucket`` ``(tokens, as of)`` at time ``at``: refilled, capped."""
        tokens, since = bucket
        return min(self.capacity, tokens + max(0.0, at - since) * self.rate)

    def retry_after(self, bucket: tuple[float, float], now: float, cost: int) -> float:
        """The wait until ``bucket`` holds ``cost`` tokens: ``(cost - tokens) / rate``, exact."""
        tokens = self.tokens_at(bucket, now)
        return first_allowed(
            now, (cost - tokens) / self.rate, lambda t: self.tokens_at(bucket, t) >= cost
        )


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

# The longest TTL a key is given: far beyond any useful window, well within what Redis
# accepts (a PEXPIRE whose deadline overflows a 64-bit millisecond count is an error).
_LONGEST_TTL_MS = 2**52


def ttl_ms(seconds: float) -> int:
    """A key's TTL in whole milliseconds: rounded up, at least 1, at most ~143,000 years."""
    return max(1, math.ceil(min(seconds * 1000, _LONGEST_TTL_MS)))


def _decision(reply: Any) -> Decision:
    allowed, remaining, wait = reply  # wait comes back as text: Lua numbers become ints
    return Decision(bool(allowed), int(remaining), float(wait))


class RedisSlidingWindowLimiter:
    """``SlidingWindowLogLimiter`` shared through Redis: one sorted set per key.

    Each unit of cost is one member (``<random token>:<i>``, so members never collide),
    scored by the caller's clock: ``ZCARD`` is the cost in the window, and the
    ``n``-th oldest member tells when enough cost has left it.
    """

    LUA_SCRIPT = SLIDING_WINDOW_SCRIPT

    def __init__(
        self,
        client: redis.Redis,
        limit: int,
        window: float,
        *,
        clock: Clock = time.time,
        prefix: str = "rl",
    ) -> None:
        self.client = _client(client)
        self.limit = _count("limit", limit)
        self.window = _duration("window", window)
        self.clock = _clock(clock)
        self.prefix = _prefix(prefix)
        self._script = client.register_script(self.LUA_SCRIPT)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        check_request(key, cost, self.limit, "limit")
        args: list[str | int] = [repr(self.clock()), repr(self.window), self.limit, cost,
                                 secrets.token_hex(8), ttl_ms(self.window)]
        return _decision(self._script(keys=[f"{self.prefix}:{key}"], args=args))


class RedisTokenBucketLimiter:
    """``TokenBucketLimiter`` shared through Redis: one hash ``{tokens, ts}`` per key.

    The key expires once the bucket would be full again, which is the same as absent.
    """

    LUA_SCRIPT = TOKEN_BUCKET_SCRIPT

    def __init__(
        self,
        client: redis.Redis,
        rate: float,
        capacity: int,
        *,
        clock: Clock = time.time,
        prefix: str = "rl",
    ) -> None:
        self.client = _client(client)
        self.rate = _duration("rate", rate)
        self.capacity = _count("capacity", capacity)
        self.clock = _clock(clock)
        self.prefix = _prefix(prefix)
        self._script = client.register_script(self.LUA_SCRIPT)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        check_request(key, cost, self.capacity, "capacity")
        args: list[str | int] = [repr(self.clock()), repr(self.rate), self.capacity, cost,
                                 ttl_ms(self.capacity / self.rate)]
        return _decision(self._script(keys=[f"{self.prefix}:{key}"], args=args))
