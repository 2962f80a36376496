"""Kata 7, `lock`: a distributed lock on Redis, and Redlock over several servers.

Several processes (on several machines) must not run the same critical section at once:
send the nightly invoice once, let one worker rebuild a cache entry. A lock in one
process's memory cannot do that; a key in Redis that everyone agrees on can.

Run the tests with ``make test KATA=lock`` (add ``PART=1`` for one part).

The lock is the Redis key ``{lock:<name>}`` holding a random token: whoever knows the
token holds the lock. Every write carries a TTL (the lease), so the lock of a holder that
crashed frees itself. Decisions this kata makes where the contract is silent are marked
"Decision:".

Redis Cluster: ``RedisLock`` must work with a ``redis.cluster.RedisCluster`` client as well
as with ``redis.Redis``. A cluster places each key in one of 16384 hash slots, and refuses
(CROSSSLOT) a script or transaction whose keys are in different slots. The slot of a key
that holds ``{...}`` is computed from the part between the first ``{`` and the next ``}``
only (a hash tag): so ``{lock:<name>}`` and its fence counter ``{lock:<name>}:fence``
share a slot, and one script may touch both. The braces take in ``lock:`` too, so the tag
is never empty whatever the name holds. A script names every key it touches in ``KEYS``
(that is how a cluster routes it). ``Redlock`` (Part 3) is another matter: it needs
independent servers, never the shards of one cluster.

Part 1: ``RedisLock``: acquire (non-blocking, and blocking with no time limit), release,
``locked()``, ``owned()``, the context manager, input checks.

Part 2: ``RedisLock``: blocking with a timeout (``timeout`` / ``blocking_timeout``,
``retry_interval``), ``extend()``, fencing tokens, ``__enter__`` failing with LockError.

Part 3: ``Redlock``: the majority algorithm over independent Redis servers.

Time: there is no ``clock`` parameter. The lease lives in Redis (Redis expires the key) and
waiting is real waiting with ``time.sleep()``; deadlines and Redlock's elapsed time are
measured with ``time.monotonic()``. Decision: call those two (``import time``, or ``from
time import monotonic, sleep``), not ``Event.wait`` or another clock: the tests put a fake
clock in their place to watch every pause of a blocking acquire without waiting.

Durations go to Redis as whole milliseconds (``PX``, ``PEXPIRE``). Decision: ``seconds *
1000`` rounded to the nearest integer, and at least 1: Redis refuses ``PX 0``. So a ttl of
0.0004 is ``PX 1``, 0.0015 is ``PX 2``, 2.5 is ``PX 2500``. (``int(seconds * 1000)``
truncates: 0.0004 becomes the ``PX 0`` that Redis refuses.)
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Self

import redis

REDLOCK_RETRIES = 3  # attempts of a blocking Redlock.acquire() when timeout is None
REDLOCK_MAX_PAUSE = 0.2  # seconds: the longest random pause between Redlock attempts
CLOCK_DRIFT_FACTOR = 0.01  # Redlock's drift allowance is 1% of the ttl ...
CLOCK_DRIFT_FLOOR = 0.002  # ... plus 2 ms


class LockError(Exception):
    """The lock could not be acquired as asked (for example ``with lock:`` timed out)."""


class LockNotOwnedError(LockError):
    """``release()`` or ``extend()`` by an instance that does not hold the lock.

    Raised when the instance never acquired it, released it already, or its lease expired
    (and perhaps someone else acquired it since).
    """


class RedisLock:
    """A lease on the key ``{lock:<name>}`` in one Redis server.

    ``client`` is an existing ``redis.Redis`` (or ``fakeredis.FakeRedis``, or a
    ``redis.cluster.RedisCluster``); it may have been created with ``decode_responses``
    True or False, and the lock works either way.

    Arguments (checked at once; the message names the argument):

    - ``name``: a non-empty ``str`` (TypeError if not a str, ValueError if empty). The key
      is ``{lock:<name>}``, the fence counter ``{lock:<name>}:fence`` (braces included:
      see the module docstring). In Python: ``"{lock:" + name + "}"``, or
      ``f"{{lock:{name}}}"`` (an f-string doubles a literal brace).
    - ``ttl``: the lease in seconds, a finite number > 0 (ValueError for 0, negative, NaN,
      infinity; TypeError for a non-number, including ``bool``). It is sent as whole
      milliseconds, the nearest, and at least 1 (see the module docstring).
    - ``retry_interval``: seconds between attempts of a blocking acquire, finite and > 0.
    - ``blocking_timeout``: the default ``timeout`` of ``acquire()``: None (wait for ever)
      or a finite number >= 0.

    One instance is one holder. Decision: it is not re-entrant (``acquire()`` while this
    instance holds the lock waits like any other contender, until its own lease expires),
    and it is not meant to be shared by threads: give each thread its own instance.

    **Part 1**

    ``acquire(blocking=True, timeout=None) -> bool``

    - Exactly one ``SET {lock:<name>} <token> NX PX <ttl ms>``: "only if nobody holds it"
      and "expire on your own" in one atomic command. (Not SETNX then EXPIRE: a crash
      between the two leaves a lock that never expires.) Part 2 adds the fencing token
      to it, and may turn it into one script (see ``fencing_token``).
    - ``<token>`` is fresh and unguessable for every acquisition:
      ``secrets.token_hex(16)``. Never a constant, a counter, the time or ``random``: a
      token someone else can know or repeat lets them release your lock.
    - Non-blocking: one attempt, True or False at once.
    - Blocking with no time limit (Part 1: ``timeout`` and ``blocking_timeout`` None):
      try again every ``retry_interval`` seconds until it succeeds.
    - Returns True when this instance now holds the lock.

    ``release() -> None``

    - An atomic compare-and-delete: one Lua script call (``register_script``) that deletes
      the key only if it still holds this instance's token. A GET then a DEL is two round
      trips, and the lease can expire and change hands between them: you would delete the
      new holder's lock.
    - Raises ``LockNotOwnedError`` when this instance does not hold the lock: never
      acquired, already released, expired, or taken over. It never touches a lock that is
      not its own.
    - Decision: afterwards the instance holds nothing, even when it raised.

    ``locked() -> bool``: somebody (any instance, any process) holds the lock now.

    ``owned() -> bool``: this instance holds it now (the key holds this instance's token).

    Context manager: ``with lock:`` calls ``acquire()`` (blocking, with the instance's
    ``blocking_timeout``) and ``release()`` at the end. Decision: ``__enter__`` returns the
    lock. If the lease expired during the block, ``release()``'s ``LockNotOwnedError``
    surfaces from the ``with`` (the block's work may have overlapped another holder's;
    the caller must know), unless the block is already raising: then the block's own
    exception propagates unchanged.

    **Part 2**

    ``acquire(blocking=True, timeout=None)`` with a time limit:

    - ``timeout`` (seconds, finite, >= 0; ValueError naming ``timeout`` otherwise) wins;
      when it is None, the constructor's ``blocking_timeout`` is used; when both are None,
      wait for ever.
    - The deadline is ``timeout`` seconds after the call, read once from
      ``time.monotonic()``. Attempt at once, then after each pause of ``retry_interval``
      seconds. Decision: a pause never runs past the deadline (the last one is shortened
      to end there), and the attempt made at the deadline is the last; then return
      False. So ``timeout=0`` is exactly one attempt, and ``timeout=0.4`` with
      ``retry_interval=0.1`` is five, at 0, 0.1, 0.2, 0.3 and 0.4 s. Compare the clock
      with the deadline; do not add up the pauses (a sleep lasts a little longer than
      asked, so the sum runs late).
    - ``blocking=False`` makes one attempt whatever the timeouts say.

    ``extend(additional: float) -> None``

    - An atomic compare-and-extend (one Lua script call): if the key still holds this
      instance's token, ADD ``additional`` seconds to its remaining time to live (a lock
      with 4 s left, extended by 3, has 7 s left; it is not set to 3). The addition is
      whole milliseconds, rounded like the ttl: ``extend(0.0004)`` adds 1 ms.
    - ``additional`` is a finite number > 0 (ValueError/TypeError naming ``additional``;
      the lock is left as it was).
    - Raises ``LockNotOwnedError`` like ``release()``; it never revives an expired key and
      never extends someone else's lock.

    ``fencing_token`` (property): an ``int`` taken with ``INCR {lock:<name>}:fence`` at each
    successful acquisition, so it strictly increases across all acquisitions by any
    instance, even after a lease expired. None before the first acquisition and after
    ``release()``. Pass it to the storage you write under the lock, which rejects a write
    carrying a smaller token than one it has seen: that stops a holder whose lease expired
    (a long GC pause) from overwriting the work of the next holder. The fence key has no
    TTL: it is a number that must never go back.

    Round trips of ``acquire()`` (an attempt that gets the lock). Decision: either two,
    the ``SET ... NX PX`` and then, only if it took the lock, the ``INCR``; or, better, one:
    a script (``register_script``) that does the ``SET ... NX PX`` and, if it succeeded,
    the ``INCR``, returning the new fencing token (or nil when the lock is held). The
    script's ``KEYS`` are the lock key and the fence key: on Redis Cluster they must share
    a hash slot, which the hash tag ensures. (``make bench KATA=lock`` counts them.)

    ``with lock:`` raises ``LockError`` when ``acquire()`` returns False (the block does
    not run).
    """

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        *,
        ttl: float = 10.0,
        retry_interval: float = 0.05,
        blocking_timeout: float | None = None,
    ) -> None:
        raise NotImplementedError

    @property
    def fencing_token(self) -> int | None:
        """The fence number of the current acquisition; None before one and after release."""
        raise NotImplementedError

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """Take the lock with one SET NX PX and a fresh token; True if this instance holds it.

        Blocking: retry every ``retry_interval`` until ``timeout`` (default: the instance's
        ``blocking_timeout``; both None: for ever). On success, take the fencing token
        (Part 2; in the same script as the SET, or right after it).
        """
        raise NotImplementedError

    def release(self) -> None:
        """Delete the key if it still holds our token (one Lua call), else LockNotOwnedError."""
        raise NotImplementedError

    def extend(self, additional: float) -> None:
        """Add ``additional`` seconds to the remaining TTL if we still hold the lock (Lua)."""
        raise NotImplementedError

    def locked(self) -> bool:
        """Whether anybody holds the lock now."""
        raise NotImplementedError

    def owned(self) -> bool:
        """Whether this instance holds the lock now (the key holds its token)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """``acquire()``; raise LockError if it returns False. Returns the lock."""
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """``release()``; its LockNotOwnedError surfaces unless the block is raising."""
        raise NotImplementedError


class Redlock:
    """**Part 3**: one lock over N independent Redis servers, held by a majority.

    A single Redis is a single point of failure; a replica can lose a lock on fail-over.
    Redlock writes the same key ``{lock:<name>}`` (the same key a ``RedisLock`` uses) on N
    independent servers and holds the lock only if a majority agreed, quickly enough.
    Each step costs one round trip per server: one ``SET`` each to acquire, one script
    call each to release.

    Arguments: ``clients``, a non-empty sequence of clients, one per server (ValueError
    naming ``clients`` if empty; decision: TypeError naming it if it is not a sequence, and
    a ``str`` is not one); ``name`` and ``ttl`` checked as for ``RedisLock``.

    ``quorum`` (property): ``len(clients) // 2 + 1``.

    ``acquire(blocking=True, timeout=None) -> bool``, one attempt:

    1. A fresh token (``secrets.token_hex(16)``; decision: a new one for every attempt).
    2. Note the time (``time.monotonic()``), then on every server ``SET {lock:<name>} token
       NX PX <ttl ms>``. A server that is down or errors (any ``redis.RedisError``) counts
       as a no; it never makes ``acquire()`` raise.
    3. ``validity = ttl - elapsed - drift``, with ``drift = CLOCK_DRIFT_FACTOR * ttl +
       CLOCK_DRIFT_FLOOR`` (1% of the ttl plus 2 ms): how long the lock is still safely
       held, given clocks that run slightly apart and the time spent asking.
    4. Held iff at least ``quorum`` servers said yes AND ``validity > 0``. Otherwise
       release on every server (decision: on all of them, since a reply lost to a timeout
       may still have set the key; the compare-and-delete spares others' keys) and the
       attempt failed.

    ``blocking=False``: one attempt. Blocking: after a failed attempt, pause a random
    time of up to ``REDLOCK_MAX_PAUSE`` (0.2) seconds (so contenders that collided do not
    collide again) and retry, until ``timeout`` seconds have passed, or, when ``timeout`` is
    None, ``REDLOCK_RETRIES`` (3) attempts in all. Decision: ``timeout`` is checked as for
    ``RedisLock`` (finite, >= 0; ValueError naming ``timeout``), and ``timeout=0`` is one
    attempt.

    ``validity`` (property): the validity in seconds computed when the lock was acquired
    (decision: it does not count down; the lock is safe until acquisition time +
    validity); None before an acquisition and after ``release()``.

    ``release()``: the compare-and-delete script on every server (a server that is down
    is skipped). Raises ``LockNotOwnedError`` when no server still held this instance's
    token (or it never acquired). Decision: afterwards the instance holds nothing.

    Context manager: as ``RedisLock`` (``LockError`` when ``acquire()`` fails;
    ``LockNotOwnedError`` from the exit unless the block is raising).
    """

    def __init__(self, clients: Iterable[redis.Redis], name: str, *, ttl: float = 10.0) -> None:
        raise NotImplementedError

    @property
    def quorum(self) -> int:
        """How many servers must agree: ``len(clients) // 2 + 1``."""
        raise NotImplementedError

    @property
    def validity(self) -> float | None:
        """Seconds the lock was valid for when acquired; None when not held."""
        raise NotImplementedError

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """SET NX PX with one token on every server; held iff a quorum agreed in time."""
        raise NotImplementedError

    def release(self) -> None:
        """Compare-and-delete on every server; LockNotOwnedError if none still held it."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """``acquire()``; raise LockError if it returns False. Returns the lock."""
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """``release()``; its LockNotOwnedError surfaces unless the block is raising."""
        raise NotImplementedError
