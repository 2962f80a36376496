"""A distributed lock on Redis, and Redlock over several independent servers.

The reference for ``katas/lock.py`` (the stub holds the full specification).

One holder at a time is enforced by Redis, not by this process: the lock is the key
``{lock:<name>}`` holding a random token, written with ``SET key token NX PX ttl`` so that
"only if free" and "expire on its own" happen in one atomic command. Whoever knows the
token owns the lock; releasing and extending are compare-then-act, so they run as Lua
scripts inside Redis where nothing can slip in between the compare and the act.

Acquiring also takes the next fencing token (``INCR {lock:<name>}:fence``), in the same
script: one round trip. The braces are a hash tag: Redis Cluster places a key by the part
between them, so the lock key and its fence counter share a slot, as the keys of one
script must there. ``RedisLock`` works with a ``redis.Redis`` and a
``redis.cluster.RedisCluster`` client alike; ``Redlock`` wants independent servers.

Extension points
----------------
Each step where a lock can go wrong is a public method (or class attribute) of its own,
in the style of redis-py's ``Lock.do_acquire`` / ``do_release``: ``acquire``, ``release``
and ``extend`` are the policy (validation, bookkeeping, when to retry); these are the
mechanics and the few decisions they delegate. Override one to change one thing.

``RedisLock``:

- ``new_token() -> str``: the proof of ownership for one acquisition; fresh and
  unguessable every time (``secrets.token_hex(16)``).
- ``to_milliseconds(seconds) -> int``: a duration as sent to Redis (``PX``, and what
  ``extend`` adds): rounded to the nearest millisecond, and at least 1.
- ``do_acquire(token) -> int | None``: one attempt, in one round trip: ``SET key token
  NX PX <ttl ms>`` and, only if that took the lock, ``INCR`` the fence counter; the new
  fencing token, or None when someone else holds the lock.
- ``attempts(timeout) -> Iterator[None]``: the schedule of a blocking acquire: yields once
  per attempt, the first at once, then after each pause of ``retry_interval``; pauses end
  by the deadline ``timeout`` seconds after the call (None: never) and the attempt made
  at the deadline is the last.
- ``do_release(token) -> bool``: delete the key if it still holds ``token``, atomically;
  True if it did.
- ``ACQUIRE_SCRIPT`` / ``RELEASE_SCRIPT`` / ``EXTEND_SCRIPT``: the Lua that ``do_acquire``,
  ``do_release`` and ``extend`` run (``KEYS[1]`` the lock key, ``KEYS[2]`` the fence
  counter; ``ARGV[1]`` the token, ``ARGV[2]`` milliseconds: the lease, or what to add).

``Redlock``:

- ``vote(client, token, ttl_ms) -> bool``: one server's answer to ``SET NX PX``; a server
  that is down or errs votes no.
- ``won(votes, validity) -> bool``: whether an attempt holds the lock: a quorum of votes
  and a positive validity.
- ``abandon(token)``: undo a failed attempt: the compare-and-delete on every server.

Hooks read the instance's public attributes: ``client``, ``key``, ``fence_key``, ``ttl``,
``retry_interval`` and ``token`` (Redlock: ``clients``, ``key``, ``ttl``, ``quorum``).
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from types import TracebackType
from typing import Self

import redis
from redis.commands.core import Script

# KEYS[1]: the lock key. KEYS[2]: its fence counter. ARGV[1]: a fresh token. ARGV[2]: the
# lease in milliseconds. Take the lock if it is free and then, only then, the next fencing
# token: the new fencing token, or false (None in Python) when the lock is held.
ACQUIRE_AND_FENCE = """
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return false
end
return redis.call('incr', KEYS[2])
"""

# KEYS[1]: the lock key. ARGV[1]: the caller's token.
# Delete the key only if it still holds our token: 1 if deleted, 0 if not ours (any more).
RELEASE_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""

# KEYS[1]: the lock key. ARGV[1]: the caller's token. ARGV[2]: milliseconds to add.
# Add to the remaining time to live only if the key still holds our token: 1, else 0.
EXTEND_IF_OWNER = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
    return 0
end
local remaining = redis.call('pttl', KEYS[1])
if remaining < 0 then
    remaining = 0
end
redis.call('pexpire', KEYS[1], remaining + tonumber(ARGV[2]))
return 1
"""

TOKEN_BYTES = 16  # 128 random bits: a token nobody can guess or collide with
REDLOCK_RETRIES = 3  # attempts of a blocking Redlock.acquire() without a timeout
REDLOCK_MAX_PAUSE = 0.2  # seconds, the longest random pause between Redlock attempts
CLOCK_DRIFT_FACTOR = 0.01  # Redlock: drift allowance is 1% of the ttl plus 2 ms
CLOCK_DRIFT_FLOOR = 0.002


class LockError(Exception):
    """The lock could not be acquired (or, for subclasses, used) as asked."""


class LockNotOwnedError(LockError):
    """Release or extend by an instance that does not hold the lock (any more)."""


def _seconds(name: str, value: object, *, zero_ok: bool = False) -> float:
    """``value`` as a finite duration in seconds, or TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    bound = ">= 0" if zero_ok else "> 0"
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise ValueError(f"{name} must be a finite number of seconds {bound}, got {value!r}")
    return float(value)


def _milliseconds(seconds: float) -> int:
    """Whole milliseconds for PX/PEXPIRE: the nearest, and at least 1 (Redis rejects PX 0)."""
    return max(1, round(seconds * 1000))


def _lock_key(name: object) -> str:
    """``{lock:<name>}``: the braces (a hash tag) take in ``lock:`` too, so the tag is never
    empty whatever the name holds, and ``<key>:fence`` always lands in the key's slot."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if not name:
        raise ValueError("name must not be empty")
    return f"{{lock:{name}}}"


def _random_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


class RedisLock:
    """A lease on ``{lock:<name>}`` in one Redis: acquire, release, extend, fencing tokens."""

    ACQUIRE_SCRIPT = ACQUIRE_AND_FENCE
    RELEASE_SCRIPT = RELEASE_IF_OWNER
    EXTEND_SCRIPT = EXTEND_IF_OWNER

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        *,
        ttl: float = 10.0,
        retry_interval: float = 0.05,
        blocking_timeout: float | None = None,
    ) -> None:
        self.key = _lock_key(name)
        self.fence_key = f"{self.key}:fence"
        self.name = name
        self.ttl = _seconds("ttl", ttl)
        self.retry_interval = _seconds("retry_interval", retry_interval)
        self.blocking_timeout = (
            None
            if blocking_timeout is None
            else _seconds("blocking_timeout", blocking_timeout, zero_ok=True)
        )
        self.client = client
        self._acquire: Script = client.register_script(self.ACQUIRE_SCRIPT)
        self._release: Script = client.register_script(self.RELEASE_SCRIPT)
        self._extend: Script = client.register_script(self.EXTEND_SCRIPT)
        self._token: str | None = None
        self._fencing_token: int | None = None

    def __repr__(self) -> str:
        state = "acquired" if self._token is not None else "not acquired"
        return f"{type(self).__name__}({self.name!r}, ttl={self.ttl:g}, {state})"

    @property
    def token(self) -> str | None:
        """The token of the current acquisition; None before one and after release."""
        return self._token

    @property
    def fencing_token(self) -> int | None:
        """The fence number of the current acquisition; None before one and after release."""
        return self._fencing_token

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """SET NX PX with a fresh token, retried until ``timeout``; True if now held."""
        if timeout is not None:
            timeout = _seconds("timeout", timeout, zero_ok=True)
        elif self.blocking_timeout is not None:
            timeout = self.blocking_timeout
        token = self.new_token()
        for _ in self.attempts(timeout) if blocking else [None]:
            fencing_token = self.do_acquire(token)
            if fencing_token is not None:
                self._token, self._fencing_token = token, fencing_token
                return True
        return False

    def new_token(self) -> str:
        """The proof of ownership of one acquisition: unguessable, and fresh every time."""
        return _random_token()

    def to_milliseconds(self, seconds: float) -> int:
        """A duration as Redis takes it: whole milliseconds, the nearest, at least 1."""
        return _milliseconds(seconds)

    def do_acquire(self, token: str) -> int | None:
        """One attempt in one round trip: ``SET key token NX PX ttl`` ("only if free" and
        the lease at once) and, if it took the lock, ``INCR`` the fence counter. The new
        fencing token, or None when someone else holds the lock."""
        fencing_token = self._acquire(keys=[self.key, self.fence_key],
                                      args=[token, self.to_milliseconds(self.ttl)])
        return None if fencing_token is None else int(fencing_token)

    def attempts(self, timeout: float | None) -> Iterator[None]:
        """Yield at each attempt of a blocking acquire: at once, then every retry_interval.

        The deadline is read once, from the monotonic clock: pauses never run past it
        (the last one is shortened to end there), and the attempt made at the deadline is
        the last. Summing the pauses instead would drift: a sleep lasts a little longer
        than asked, and 8 x 0.05 adds up to 0.39999999999999997, not 0.4.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            yield
            pause = self.retry_interval
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                pause = min(pause, remaining)
            time.sleep(pause)

    def release(self) -> None:
        """Delete the key if it still holds our token, else raise LockNotOwnedError."""
        token, self._token, self._fencing_token = self._token, None, None
        if token is None:
            raise LockNotOwnedError(f"cannot release {self.key}: this instance does not hold it")
        if not self.do_release(token):
            raise LockNotOwnedError(f"cannot release {self.key}: it expired or was taken over")

    def do_release(self, token: str) -> bool:
        """Compare-and-delete in one script: True if the key held ``token`` and is gone."""
        return bool(self._release(keys=[self.key], args=[token]))

    def extend(self, additional: float) -> None:
        """Add ``additional`` seconds to the remaining TTL if we still hold the lock."""
        additional = _seconds("additional", additional)
        if self._token is None:
            raise LockNotOwnedError(f"cannot extend {self.key}: this instance does not hold it")
        added = self.to_milliseconds(additional)
        if not self._extend(keys=[self.key], args=[self._token, added]):
            raise LockNotOwnedError(f"cannot extend {self.key}: it expired or was taken over")

    def locked(self) -> bool:
        """Whether anybody holds the lock now."""
        return bool(self.client.exists(self.key))

    def owned(self) -> bool:
        """Whether this instance holds the lock now (Redis, not memory, decides)."""
        if self._token is None:
            return False
        value = self.client.get(self.key)
        if isinstance(value, bytes):
            value = value.decode()
        return value == self._token

    def __enter__(self) -> Self:
        if not self.acquire():
            raise LockError(f"could not acquire {self.key}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise
            # The block's own exception is the one worth seeing; let it propagate.


class Redlock:
    """The majority lock over independent Redis servers (Redlock).

    Safe while a quorum of servers is up and clocks drift less than the allowance. It
    still cannot stop a paused holder from acting after ``validity``: pair it with
    fencing tokens where that matters (see solutions/lock.md).
    """

    def __init__(self, clients: Iterable[redis.Redis], name: str, *, ttl: float = 10.0) -> None:
        self.key = _lock_key(name)
        self.name = name
        self.ttl = _seconds("ttl", ttl)
        if isinstance(clients, str | bytes) or not isinstance(clients, Iterable):
            raise TypeError(f"clients must be a sequence of Redis clients, got {clients!r}")
        self.clients = list(clients)
        if not self.clients:
            raise ValueError("clients must hold at least one Redis client")
        self._release = [c.register_script(RELEASE_IF_OWNER) for c in self.clients]
        self._token: str | None = None
        self._validity: float | None = None

    def __repr__(self) -> str:
        state = "acquired" if self._token is not None else "not acquired"
        return f"{type(self).__name__}({self.name!r}, {len(self.clients)} servers, {state})"

    @property
    def quorum(self) -> int:
        return len(self.clients) // 2 + 1

    @property
    def validity(self) -> float | None:
        return self._validity

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """Attempts until a quorum agrees in time: until ``timeout``, else 3 (blocking)."""
        if timeout is not None:
            timeout = _seconds("timeout", timeout, zero_ok=True)
        deadline = None if timeout is None else time.monotonic() + timeout
        attempts = 0
        while True:
            attempts += 1
            if self._try_once():
                return True
            if not blocking or (deadline is None and attempts >= REDLOCK_RETRIES):
                return False
            # A random pause, so that contenders that collided do not collide again.
            pause = random.uniform(0, REDLOCK_MAX_PAUSE)
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                pause = min(pause, remaining)
            time.sleep(pause)

    def _try_once(self) -> bool:
        token = _random_token()
        ttl_ms = _milliseconds(self.ttl)
        start = time.monotonic()
        votes = sum(self.vote(client, token, ttl_ms) for client in self.clients)
        elapsed = time.monotonic() - start
        validity = self.ttl - elapsed - (self.ttl * CLOCK_DRIFT_FACTOR + CLOCK_DRIFT_FLOOR)
        if self.won(votes, validity):
            self._token, self._validity = token, validity
            return True
        self.abandon(token)
        return False

    def vote(self, client: redis.Redis, token: str, ttl_ms: int) -> bool:
        """One server's answer to SET NX PX; a server that is down or errs votes no."""
        try:
            return bool(client.set(self.key, token, nx=True, px=ttl_ms))
        except redis.RedisError:
            return False

    def won(self, votes: int, validity: float) -> bool:
        """A majority said yes, and their keys outlive the asking plus the drift allowance."""
        return votes >= self.quorum and validity > 0

    def abandon(self, token: str) -> None:
        """Undo a failed attempt, so that its keys do not block everyone for a ttl."""
        # Everywhere, not only where SET said yes: a reply lost to a timeout may still
        # have set the key.
        self._release_all(token)

    def _release_all(self, token: str) -> int:
        released = 0
        for script in self._release:
            with suppress(redis.RedisError):  # a server that is down keeps nothing
                released += int(script(keys=[self.key], args=[token]))
        return released

    def release(self) -> None:
        """Compare-and-delete on every server; LockNotOwnedError if none still held it."""
        token, self._token, self._validity = self._token, None, None
        if token is None:
            raise LockNotOwnedError(f"cannot release {self.key}: this instance does not hold it")
        if not self._release_all(token):
            raise LockNotOwnedError(f"cannot release {self.key}: no server still held it")

    def __enter__(self) -> Self:
        if not self.acquire():
            raise LockError(f"could not acquire {self.key} on a quorum of servers")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise
