"""Kata 8, ``stampede``: stop a cache stampede.

A cache stampede (or dog-pile) happens when a popular key expires and every request that
misses it recomputes the value at the same moment: a hundred identical database queries
where one would do. You build three answers to it, one per part:

* Part 1, ``SingleFlight``: inside one process, concurrent calls for the same key share
  one execution of the function.
* Part 2, ``should_recompute_early``: XFetch, probabilistic early recomputation. Each
  reader rolls a die and may volunteer to recompute a little before expiry, so the value
  is usually refreshed by one reader before anyone sees a miss.
* Part 3, ``StampedeCache``: a Redis cache-aside that combines both ideas across
  processes: XFetch decides when to refresh, a short Redis lock decides who, everyone
  else serves the stale value (or, on a cold key, waits a bounded time).

Run ``make test KATA=stampede`` (add ``PART=1`` for one part).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import redis

T = TypeVar("T")


# --- Part 1 -----------------------------------------------------------------------------


class SingleFlight:
    """Collapse concurrent calls for the same key into one execution.

    ``do(key, fn)`` runs ``fn()`` and returns its result, except that while a call for
    ``key`` is in flight, every other ``do(key, ...)`` waits for that call instead of
    running its own function, then returns the very same result object (identity, not a
    copy) or raises the very same exception. This is Go's ``singleflight.Group.Do``.

    Behaviour:

    * Sharing lasts only while the call is in flight: once it has finished, the next
      ``do(key, fn)`` runs ``fn`` again. Nothing is cached, results or exceptions. The
      call has finished as soon as any caller has its outcome: a waiter that calls
      ``do(key, ...)`` again right after it woke runs its own function.
    * If ``fn`` raises, the caller that ran it and every waiter raise that exception, and
      the key is free again: a failed call is not remembered. Waiters must never hang
      because the function they wait for raised.
    * Different keys are independent: calls for ``"a"`` and ``"b"`` run at the same time.
      (So no lock may be held while ``fn`` runs.)
    * The object is safe to share between threads; ``fn`` runs in the caller's thread.
    * ``fn`` must not call ``do`` with its own key (it would wait for itself).

    Errors (raised at once, nothing changes):

    * ``TypeError`` naming ``fn`` when ``fn`` is not callable.
    * ``TypeError`` naming ``key`` when ``key`` is not hashable.
    """

    def __init__(self) -> None:
        raise NotImplementedError

    def do(self, key: Hashable, fn: Callable[[], T]) -> T:
        """Run ``fn()`` for ``key``, or share the outcome of the call already in flight."""
        raise NotImplementedError


# --- Part 2 -----------------------------------------------------------------------------


def should_recompute_early(
    expiry: float, delta: float, beta: float, now: float, rand: float
) -> bool:
    """XFetch: should this reader recompute a still-cached value now?

    True iff ``now - delta * beta * log(rand) >= expiry`` (natural log), where

    * ``expiry``: when the cached value expires (seconds, same clock as ``now``),
    * ``delta``: how long the value took to compute (seconds, >= 0),
    * ``beta``: how eager to be (>= 0; 1.0 is the paper's default, larger is earlier,
      0 turns the whole thing into a plain expiry check),
    * ``now``: the current time,
    * ``rand``: a uniform random number in (0, 1]; ``-log(rand)`` is exponentially
      distributed, so most readers wait and a few volunteer early, more of them as
      ``expiry`` nears and the longer the value takes to compute.

    Edge cases: ``rand == 1.0`` gives ``log(rand) == 0``, so the answer is
    ``now >= expiry``; ``now == expiry`` is expired (True) whatever the other arguments.
    Evaluate exactly the expression above (tests compare with it).

    Errors: ``TypeError`` naming the argument when one is not an int or float (``bool``
    is not a number here); ``ValueError`` naming it when it is NaN or infinite, when
    ``delta < 0`` or ``beta < 0``, or when ``rand`` is not in (0, 1] (0 has no logarithm;
    callers that may draw 0.0 map it to the smallest positive float first, see Part 3).

    Reference: Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic Cache Stampede
    Prevention", VLDB 2015.
    """
    raise NotImplementedError


# --- Part 3 -----------------------------------------------------------------------------


class StampedeCache:
    """Cache-aside on Redis that never lets a key stampede, across processes.

    ``StampedeCache(client, *, ttl, beta=1.0, lock_ttl=10.0, wait_timeout=5.0,
    clock=time.time, rand=random.random, prefix="sc")``

    ``client`` is a ``redis.Redis`` (or fakeredis) client, or a
    ``redis.cluster.RedisCluster``, created with either ``decode_responses`` setting.
    Durations are in seconds.

    ``get_or_compute(key, compute)`` returns the value cached for ``key``, calling
    ``compute()`` (no arguments) when it must:

    1. Read the entry. If there is one and ``should_recompute_early(expiry, delta, beta,
       clock(), rand())`` is False, return its value (a hit: nothing else happens).
    2. Otherwise (no entry, expired, or chosen for early recompute) try to take a short
       Redis lock for the key (``SET lock token NX PX lock_ttl``, a fresh token from
       ``secrets`` each time).
       * The winner runs ``compute()``, stores the new entry, releases the lock (only if
         it still holds it) and returns the value it computed.
       * A loser that has a stale entry returns the stale value at once: it never waits.
       * A loser with no entry at all (a cold key) waits for the winner: it polls with a
         short bounded pause and returns the winner's value as soon as it is stored. If
         the lock frees up without a value (the winner failed), the waiter takes the
         lock and computes itself. If ``wait_timeout`` passes first, it calls
         ``compute()`` itself, stores the entry (without the lock) and returns it.
    3. Whoever takes the lock must check, in the same atomic step, that nobody stored a
       new entry since it read the key (a Lua script), or a caller arriving just as the
       winner finishes would compute a second time: one compute per stampede, exactly.
       Decision: a caller that finds such a new entry returns its value (it is fresher
       than the one it read, stale or not).

    The entry: one Redis key ``{<prefix>:<key>}:entry`` (the braces included) holding the
    JSON object ``{"v": value, "d": delta, "e": expiry}``, written with ``SET ... PX`` so
    that the Redis key expires ``ttl`` seconds after it is stored. ``delta`` is how long
    ``compute()`` took, measured with the injected ``clock`` (``clock()`` before and after
    the call); ``expiry`` is ``clock()`` after the compute plus ``ttl``. The lock is the key
    ``{<prefix>:<key>}:lock`` with a TTL of ``lock_ttl``; every key written has a TTL.

    Redis Cluster: a cluster refuses (CROSSSLOT) a script whose keys live in different
    hash slots, and the scripts of step 3 touch a key's entry and its lock together. The
    slot of a key holding ``{...}`` is computed from the part between the first ``{`` and
    the next ``}`` only (a hash tag), so the two names above share a slot; a script names
    every key it touches in ``KEYS``. In Python: ``f"{{{prefix}:{key}}}:entry"`` (an
    f-string doubles a literal brace).

    Decisions:

    * Values must be JSON-serializable (no pickle, ever). The caller that computed gets
      ``compute()``'s own return value; everyone else gets the JSON round trip (a tuple
      comes back as a list). ``None`` and other falsy values are cached like any other.
    * An entry that is not valid JSON of that shape (``d`` a finite number >= 0, ``e`` a
      finite number) counts as missing and is overwritten.
    * ``rand()`` returning 0.0 counts as the smallest positive float (``math.ulp(0.0)``):
      never a math domain error.
    * ``clock`` is for the freshness logic only (delta, expiry, now). Waiting for the
      winner, and ``wait_timeout``, use real time (``time.monotonic``), so a waiter gives
      up even when a fake clock stands still. ``lock_ttl`` is a real Redis TTL. A waiter
      reads ``time.monotonic()`` and pauses with ``time.sleep()`` (``import time``, or
      ``from time import monotonic, sleep``), not ``Event.wait`` or another clock: the
      tests put a fake clock in their place to watch a wait without waiting.
    * A failing ``compute()`` raises its exception to its own caller, stores nothing and
      releases the lock at once, so a waiter takes over promptly (long before
      ``wait_timeout`` or ``lock_ttl``). A value that is not JSON-serializable raises
      ``TypeError`` the same way.
    * A winner whose compute outlives ``lock_ttl`` loses the lock; another caller may then
      compute too (the last store wins). Choose ``lock_ttl`` above the slowest compute.
    * Safe to share between threads when the client is (redis-py clients are).

    Errors (raised at once, nothing written):

    * ``TypeError`` naming the option when ``ttl``, ``beta``, ``lock_ttl`` or
      ``wait_timeout`` is not an int or float, or ``clock``/``rand`` is not callable, or
      ``prefix`` is not a str; ``ValueError`` naming it when ``ttl <= 0``,
      ``lock_ttl <= 0``, ``beta < 0``, ``wait_timeout < 0``, or any of them is NaN or
      infinite.
    * ``get_or_compute``: ``TypeError`` naming ``key`` when it is not a str, naming
      ``compute`` when it is not callable.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        ttl: float,
        beta: float = 1.0,
        lock_ttl: float = 10.0,
        wait_timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        prefix: str = "sc",
    ) -> None:
        raise NotImplementedError

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value for ``key``; see the class docstring for who computes when."""
        raise NotImplementedError
