"""A first attempt whose in-memory limiters are right, and whose Redis limiters talk to
Redis in plain commands, batched in pipelines, instead of one script.

Mistakes in it:
1. Each Redis decision reads (ZCARD, HMGET) in one round trip and writes (ZADD, HSET) in
   another: two clients can read the same budget before either writes, and both spend it.
2. The Redis token bucket writes its hash without a TTL: every key ever limited stays.
3. The Redis limiters take any prefix, even an empty one or bytes.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float


def need_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: int expected, got {value!r}")
    if value < 1:
        raise ValueError(f"{name}: must be >= 1, got {value!r}")
    return value


def need_seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: number expected, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: must be finite and > 0, got {value!r}")
    return float(value)


def need_clock(clock: Any) -> Callable[[], float]:
    if not callable(clock):
        raise TypeError(f"clock: a callable is expected, got {clock!r}")
    return clock  # type: ignore[no-any-return]


def need_request(key: Any, cost: Any, most: int) -> None:
    if not isinstance(key, str):
        raise TypeError(f"key: str expected, got {key!r}")
    if isinstance(cost, bool) or not isinstance(cost, int):
        raise TypeError(f"cost: int expected, got {cost!r}")
    if cost < 1 or cost > most:
        raise ValueError(f"cost: must be from 1 to {most}, got {cost}")


def settle(now: float, wait: float, allowed: Callable[[float], bool]) -> float:
    """The wait, pushed up past float rounding until a hit then is really allowed."""
    step = math.ulp(now + wait)
    while not allowed(now + wait):
        wait += step
        step *= 2
    return wait


class FixedWindowLimiter:
    def __init__(self, limit: int, window: float, *, clock: Any = time.monotonic) -> None:
        self.limit = need_int("limit", limit)
        self.window = need_seconds("window", window)
        self.clock = need_clock(clock)
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.limit)
        with self._lock:
            now = self.clock()
            n = now // self.window
            m, used = self._counts.get(key, (n, 0))
            used = used if m == n else 0
            if used + cost > self.limit:
                wait = settle(now, (n + 1) * self.window - now, lambda t: t // self.window > n)
                return Decision(False, self.limit - used, wait)
            self._counts[key] = (n, used + cost)
            return Decision(True, self.limit - used - cost, 0.0)


@dataclass
class _Log:
    hits: deque[tuple[float, int]] = field(default_factory=deque)
    total: int = 0


class SlidingWindowLogLimiter:
    def __init__(self, limit: int, window: float, *, clock: Any = time.monotonic) -> None:
        self.limit = need_int("limit", limit)
        self.window = need_seconds("window", window)
        self.clock = need_clock(clock)
        self._lock = threading.Lock()
        self._logs: defaultdict[str, _Log] = defaultdict(_Log)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.limit)
        with self._lock:
            now = self.clock()
            log = self._logs[key]
            while log.hits and log.hits[0][0] <= now - self.window:
                log.total -= log.hits.popleft()[1]
            if log.total + cost <= self.limit:
                log.hits.append((now, cost))
                log.total += cost
                return Decision(True, self.limit - log.total, 0.0)
            excess, running = log.total + cost - self.limit, 0
            for stamp, spent in log.hits:
                running += spent
                if running >= excess:
                    break
            wait = settle(now, stamp + self.window - now, lambda t: stamp <= t - self.window)
            return Decision(False, self.limit - log.total, wait)


class SlidingWindowCounterLimiter:
    def __init__(self, limit: int, window: float, *, clock: Any = time.monotonic) -> None:
        self.limit = need_int("limit", limit)
        self.window = need_seconds("window", window)
        self.clock = need_clock(clock)
        self._lock = threading.Lock()
        self._windows: dict[str, dict[float, int]] = defaultdict(dict)

    def _estimate(self, counts: dict[float, int], t: float) -> float:
        n = t // self.window
        share = 1 - (t - n * self.window) / self.window
        return counts.get(n - 1, 0) * share + counts.get(n, 0)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.limit)
        with self._lock:
            now = self.clock()
            n = now // self.window
            counts = {w: c for w, c in self._windows[key].items() if w >= n - 1}
            self._windows[key] = counts
            estimate = self._estimate(counts, now)
            if estimate + cost <= self.limit:
                counts[n] = counts.get(n, 0) + cost
                return Decision(True, max(0, math.floor(self.limit - estimate - cost)), 0.0)
            previous, current = counts.get(n - 1, 0), counts.get(n, 0)
            room = self.limit - cost
            if current <= room:
                at = (n + 1) * self.window - self.window * (room - current) / previous
            else:
                at = (n + 2) * self.window - self.window * room / current
            wait = settle(now, max(0.0, at - now),
                          lambda t: self._estimate(counts, t) + cost <= self.limit)
            return Decision(False, max(0, math.floor(self.limit - estimate)), wait)


class TokenBucketLimiter:
    def __init__(self, rate: float, capacity: int, *, clock: Any = time.monotonic) -> None:
        self.rate = need_seconds("rate", rate)
        self.capacity = need_int("capacity", capacity)
        self.clock = need_clock(clock)
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def _level(self, state: tuple[float, float], t: float) -> float:
        tokens, at = state
        return min(self.capacity, tokens + (t - at) * self.rate)

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.capacity)
        with self._lock:
            now = self.clock()
            state = self._state.get(key, (self.capacity, now))
            tokens = self._level(state, now)
            if tokens >= cost:
                self._state[key] = (tokens - cost, now)
                return Decision(True, math.floor(tokens - cost), 0.0)
            wait = settle(now, (cost - tokens) / self.rate,
                          lambda t: self._level(state, t) >= cost)
            return Decision(False, math.floor(tokens), wait)


# No scripts: the Redis limiters below use plain commands.
SLIDING_WINDOW_SCRIPT = ""
TOKEN_BUCKET_SCRIPT = ""


def _check_client(client: Any) -> redis.Redis:
    if not hasattr(client, "pipeline"):
        raise TypeError(f"client: a redis.Redis is expected, got {client!r}")
    return client  # type: ignore[no-any-return]


class RedisSlidingWindowLimiter:
    def __init__(self, client: redis.Redis, limit: int, window: float, *,
                 clock: Any = time.time, prefix: str = "rl") -> None:
        self.client = _check_client(client)
        self.limit = need_int("limit", limit)
        self.window = need_seconds("window", window)
        self.clock = need_clock(clock)
        self.prefix = prefix

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.limit)
        name, now = f"{self.prefix}:{key}", self.clock()
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, "-inf", repr(now - self.window))
        pipe.zcard(name)
        pipe.zrange(name, 0, -1, withscores=True)
        _, used, members = pipe.execute()
        if used + cost <= self.limit:
            token = secrets.token_hex(8)
            pipe = self.client.pipeline()
            pipe.zadd(name, {f"{token}:{i}": now for i in range(cost)})
            pipe.pexpire(name, max(1, math.ceil(min(self.window * 1000, 2.0**50))))
            pipe.execute()
            return Decision(True, self.limit - used - cost, 0.0)
        leaves = float(members[used + cost - self.limit - 1][1])
        wait = settle(now, leaves + self.window - now, lambda t: t - self.window >= leaves)
        return Decision(False, self.limit - used, wait)


class RedisTokenBucketLimiter:
    def __init__(self, client: redis.Redis, rate: float, capacity: int, *,
                 clock: Any = time.time, prefix: str = "rl") -> None:
        self.client = _check_client(client)
        self.rate = need_seconds("rate", rate)
        self.capacity = need_int("capacity", capacity)
        self.clock = need_clock(clock)
        self.prefix = prefix

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        need_request(key, cost, self.capacity)
        name, now = f"{self.prefix}:{key}", self.clock()
        saved = self.client.hmget(name, "tokens", "at")
        state = (float(saved[0]), float(saved[1])) if saved[0] is not None else (
            float(self.capacity), now)

        def level(t: float) -> float:
            return min(self.capacity, state[0] + max(0.0, t - state[1]) * self.rate)

        tokens = level(now)
        if tokens >= cost:
            self.client.hset(name, mapping={"tokens": repr(tokens - cost), "at": repr(now)})
            return Decision(True, math.floor(tokens - cost), 0.0)
        wait = settle(now, (cost - tokens) / self.rate, lambda t: level(t) >= cost)
        return Decision(False, math.floor(tokens), wait)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Redis::test_each_decision_is_one_script_call"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"ZCARD"
LOOKS_LIKE = ("read_then_write",)
