"""Kata 6, ``rate_limit``: rate limiters, in memory (Part 1) and in Redis (Part 2).

Every limiter answers one question per request::

    limiter.hit(key: str = "default", cost: int = 1) -> Decision

``Decision(allowed, remaining, retry_after)`` (given below, a frozen dataclass):

- ``allowed``: whether this request fits the budget of ``key``. A denied request consumes
  nothing: its cost is not recorded anywhere.
- ``remaining``: how many more cost-1 requests on ``key`` would be allowed right now,
  after this decision (an ``int``, never negative). Exact for the window limiters; for
  the sliding counter it is ``floor(limit - estimate)``, for the token bucket
  ``floor(tokens)``.
- ``retry_after``: ``0`` when allowed. When denied, the wait (seconds, a ``float``) after
  which the same request would be allowed if nothing else arrives. It is exact, both
  ways: a hit at exactly ``clock() + retry_after`` is allowed, and any earlier hit is
  denied. (Floats: if rounding puts ``now + retry_after`` a hair before the edge, raise
  the wait by ``math.ulp`` steps, doubling the step each time so the loop stays short,
  until the very test ``hit()`` uses says the retry is allowed.)

Shared rules (Part 1 and Part 2):

- Keys have independent budgets.
- ``key`` must be a ``str`` (``TypeError`` naming ``key``).
- ``cost`` must be an ``int`` (a ``bool`` is not: ``TypeError`` naming ``cost``), at
  least 1 and at most ``limit`` (or ``capacity``): otherwise ``ValueError`` naming
  ``cost``, because such a request could never be allowed. Bad input is rejected before
  anything is counted or sent to Redis.
- Constructors check every argument before anything else: ``limit`` and ``capacity``
  are ``int`` counts >= 1 (a ``bool`` is not); ``window`` and ``rate`` are numbers
  (``int`` or ``float``, not ``bool``) that are finite and > 0; ``clock`` is callable;
  in Part 2, ``client`` is a Redis client (it has ``register_script``) and ``prefix`` a
  non-empty ``str``. A wrong type raises ``TypeError``, a value out of range
  ``ValueError``; the message names the argument.
- ``clock`` is a zero-argument callable returning seconds (keyword-only). Part 1 defaults
  to ``time.monotonic``; Part 2 to ``time.time``, since times are stored in Redis and
  must agree across processes.
- Part 2 on Redis Cluster: a script runs only if every key it names is in one hash slot.
  A decision touches one key's data, so its script names that key alone (or keys sharing
  a hash tag, the part in braces that alone decides the slot: ``{rl:user}:a``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

Clock = Callable[[], float]


@dataclass(frozen=True)
class Decision:
    """The answer to one ``hit()``: see the module docstring."""

    allowed: bool
    remaining: int
    retry_after: float


# --- Part 1: in memory -----------------------------------------------------------------


class FixedWindowLimiter:
    """At most ``limit`` cost per key in each fixed window.

    Windows are aligned on multiples of ``window`` (window ``n`` is
    ``[n * window, (n + 1) * window)`` in clock seconds), not started by the first
    request. Allowed iff the cost already used in the current window plus ``cost`` is at
    most ``limit``. ``remaining`` is ``limit`` minus the cost used in the current window;
    ``retry_after`` of a denial is the time left until the next window starts.
    """

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError


class SlidingWindowLogLimiter:
    """The exact sliding window: a log of the admitted hits, per key.

    Allowed at time ``t`` iff the cost admitted in ``(t - window, t]`` (a hit exactly
    ``window`` seconds old no longer counts) plus ``cost`` is at most ``limit``.
    ``remaining`` is ``limit`` minus the cost in that interval. ``retry_after`` of a
    denial: the oldest hits leave the window first (a hit made at ``s`` leaves at
    ``s + window``), so wait until enough of them have left for ``cost`` to fit.
    Memory: O(hits in the window) per key.
    """

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError


class SlidingWindowCounterLimiter:
    """The sliding window approximated by two counts per key: O(1) memory.

    Windows are aligned as in ``FixedWindowLimiter``. At time ``t`` in window ``n``,
    with ``elapsed = t - n * window``::

        estimate = count[n - 1] * (1 - elapsed / window) + count[n]

    (a float: the previous window weighted by the share of it still inside the sliding
    window). Allowed iff ``estimate + cost <= limit``; an allowed hit adds ``cost`` to
    ``count[n]``. ``remaining`` is ``max(0, floor(limit - estimate))``, with the estimate
    taken after this decision.

    ``retry_after`` of a denial: the estimate only falls as time passes (if nothing else
    arrives), so it is the wait until the first instant ``s`` at which
    ``estimate(s) + cost <= limit``. Either the previous window's weight fades enough
    inside the current window (when ``count[n] + cost <= limit``), or the current count
    must fade in turn during the next window. Solve the linear equation for ``s``.
    """

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic) -> None:
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError


class TokenBucketLimiter:
    """A bucket of ``capacity`` tokens per key, refilled continuously at ``rate`` per second.

    A key's bucket starts full; it refills by ``elapsed * rate`` (fractions of a token
    count: two half tokens make one) and never holds more than ``capacity``, however long
    it stayed idle. Allowed iff the bucket holds at least ``cost`` tokens; an allowed hit
    takes ``cost`` tokens. ``remaining`` is ``floor(tokens)`` after this decision;
    ``retry_after`` of a denial is ``(cost - tokens) / rate``. ``capacity`` is an ``int``.
    """

    def __init__(self, rate: float, capacity: int, *, clock: Clock = time.monotonic) -> None:
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError


# --- Part 2: in Redis ------------------------------------------------------------------

# The Lua scripts, as named module constants, registered with ``client.register_script``.
# Write them here. Tips: Lua numbers are doubles, but a number returned to Redis is
# truncated to an integer, so return retry_after as a string (string.format('%.17g', x)
# round-trips a double); pass times and durations in as strings with repr().
SLIDING_WINDOW_SCRIPT = ""
TOKEN_BUCKET_SCRIPT = ""


class RedisSlidingWindowLimiter:
    """``SlidingWindowLogLimiter`` with its log in Redis, shared by every process.

    The same decisions as the in-memory log, with time from ``clock`` (passed to the
    script as an argument, so tests can drive it). One sorted set per key, named
    ``f"{prefix}:{key}"``, scored by time. Members must be unique, even for two hits at
    the same instant: decide how cost is stored (e.g. one member per unit of cost, named
    with a random token per call, so ``ZCARD`` is the cost in the window).

    Each ``hit()`` is exactly one atomic script call (``EVALSHA``), so threads and
    processes hammering one key never get more than ``limit`` between them. Every key
    written carries a TTL (``PEXPIRE`` on every write; a log older than ``window`` is
    useless), so nothing lives forever, even if a client dies mid-way. A window longer
    than any TTL Redis accepts still works: its keys get a very long TTL instead (a
    ``PEXPIRE`` whose deadline overflows 64-bit milliseconds is an error). Works with
    either ``decode_responses`` setting of ``client``.
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
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError


class RedisTokenBucketLimiter:
    """``TokenBucketLimiter`` with its buckets in Redis, shared by every process.

    The same decisions as the in-memory bucket, with time from ``clock`` passed to the
    script. One hash per key, ``f"{prefix}:{key}"``, holding the tokens and the time they
    were counted at; an absent key is a full bucket. Each ``hit()`` is exactly one atomic
    script call. Every write sets a TTL (``PEXPIRE``): after ``capacity / rate`` seconds
    an untouched bucket is full again, which is the same as absent (a refill time longer
    than any TTL Redis accepts gets a very long TTL instead). Works with either
    ``decode_responses`` setting of ``client``.
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
        raise NotImplementedError

    def hit(self, key: str = "default", cost: int = 1) -> Decision:
        raise NotImplementedError
