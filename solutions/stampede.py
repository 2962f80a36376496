"""Stampede guards: single-flight calls, XFetch early recomputation, a Redis stampede cache.

The reference for ``katas/stampede.py`` (the stub holds the full specification).

A stampede (dog-pile) is many callers missing the same key at once and all recomputing it.
Three answers, one per part:

* ``SingleFlight`` collapses concurrent calls inside one process: the first caller for a
  key runs the function, the others wait for its outcome and share it.
* ``should_recompute_early`` is XFetch (Vattani, Chierichetti, Lowenstein, 2015): each
  reader independently volunteers to recompute a little before expiry, with a probability
  that grows as expiry nears and with how long the value takes to compute.
* ``StampedeCache`` combines XFetch with a short Redis lock, across processes: one caller
  recomputes, the others keep serving the stale value, or, on a cold key, wait a bounded
  time for the winner's. Its scripts touch a key's entry and its lock together, so both
  carry one hash tag, ``{<prefix>:<key>}:entry`` and ``{<prefix>:<key>}:lock``: on Redis
  Cluster they share a slot, as the keys of one script must.

Extension points
================

Each step a broken variant (or a subclass of yours) may override is a public method with
a one-line contract; the rest is mechanics.

``SingleFlight``: ``claim(key) -> (call, leader)`` joins the call in flight or starts one;
``lead(key, call, fn)`` runs ``fn`` for the waiters and then, whatever happened,
``release(key, call)``, which forgets the call and then wakes its waiters. ``call_type`` is
the class of a call in flight, ``Call``: ``run(fn)`` records the outcome, ``wait()`` returns
or raises it. ``mutex`` guards the table of calls in flight (never held while ``fn`` runs).

``StampedeCache``: ``entry_key(key)`` and ``lock_key(key)``, the Redis keys of a key's
entry and lock (one hash tag: one cluster slot); ``should_refresh(entry)`` (XFetch with
``draw()``, one ``rand()`` in (0, 1]); ``try_lock(key, token, seen) -> (won, current)``;
``as_loser(key, stale, seen, compute)``, the policy of a caller that lost the lock, with
``wait_for_winner`` (bounded by ``give_up_at()``) and ``compute_unlocked`` as its means;
the winner's ``compute_entry(compute) -> Entry`` and ``store(key, token, entry)``, or
``on_compute_failed(key, token, error)`` (which calls ``release`` to free the lock). The
Lua source of each atomic step is a class attribute: ``ACQUIRE_SCRIPT``,
``STORE_SCRIPT``, ``RELEASE_SCRIPT``. Public attributes: ``client``, ``clock``, ``rand``,
``ttl``, ``beta``, ``lock_ttl``, ``wait_timeout``, ``prefix``.
"""

from __future__ import annotations

import json
import math
import random
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, cast

import redis
from redis.commands.core import Script

__all__ = ["Call", "Entry", "SingleFlight", "StampedeCache", "should_recompute_early"]

T = TypeVar("T")

# KEYS[1]: the entry. KEYS[2]: the lock. ARGV[1]: our token. ARGV[2]: lock ttl (ms).
# ARGV[3]: the entry as the caller last read it ("" for none).
# Returns {1, entry} when we took the lock, else {0, entry}. Reading the entry and taking
# the lock in one step closes the race where a caller reads "no entry", the winner then
# stores and unlocks, and the caller takes the free lock and computes a second time: a
# new entry (one the caller has not seen) is handed back instead of the lock.
ACQUIRE_UNLESS_CHANGED = """
local entry = redis.call('get', KEYS[1])
if entry and entry ~= ARGV[3] then
    return {0, entry}
end
if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return {1, entry}
end
return {0, entry}
"""

# KEYS[1]: the entry. KEYS[2]: the lock. ARGV[1]: the entry. ARGV[2]: its ttl (ms).
# ARGV[3]: our token. Store the entry, then release the lock if it is still ours.
STORE_AND_RELEASE = """
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('get', KEYS[2]) == ARGV[3] then
    redis.call('del', KEYS[2])
end
return 1
"""

# KEYS[1]: the lock. ARGV[1]: our token. Delete the lock only if it still holds our token.
RELEASE_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""

TOKEN_BYTES = 16  # 128 random bits per lock acquisition
SMALLEST_RAND = math.ulp(0.0)  # what a rand() of 0.0 counts as: the smallest positive float
FIRST_PAUSE = 0.005  # seconds a waiter sleeps before its first poll, doubling ...
MAX_PAUSE = 0.05  # ... up to this


# --- Part 1 -----------------------------------------------------------------------------


class Call(Generic[T]):
    """One execution in flight: its outcome, and an event set once waiters may read it."""

    __slots__ = ("done", "error", "result")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in this thread and record its outcome for the waiters; return it, or
        raise its exception."""
        try:
            self.result = fn()
        except BaseException as exc:
            self.error = exc
            raise
        return self.result

    def wait(self) -> T:
        """Block until the call is done; its result, or raise its very exception."""
        self.done.wait()
        if self.error is not None:
            raise self.error
        return cast(T, self.result)


class SingleFlight:
    """Concurrent ``do(key, fn)`` calls with one key share a single execution of ``fn``."""

    call_type: ClassVar[type[Call[Any]]] = Call

    def __init__(self) -> None:
        self.mutex = threading.Lock()  # guards the table of calls in flight, nothing else
        self._calls: dict[Hashable, Call[Any]] = {}

    def do(self, key: Hashable, fn: Callable[[], T]) -> T:
        if not callable(fn):
            raise TypeError(f"fn must be a callable, got {fn!r}")
        try:
            hash(key)
        except TypeError:
            raise TypeError(f"key must be hashable, got {type(key).__name__}") from None
        call, leader = self.claim(key)
        if leader:
            return cast(T, self.lead(key, call, fn))
        return cast(T, call.wait())

    def claim(self, key: Hashable) -> tuple[Call[Any], bool]:
        """The call in flight for ``key`` and False, or a new call, now in flight, and True
        (look-up and insertion in one step under the mutex)."""
        with self.mutex:
            call = self._calls.get(key)
            if call is not None:
                return call, False
            call = self._calls[key] = self.call_type()
            return call, True

    def lead(self, key: Hashable, call: Call[T], fn: Callable[[], T]) -> T:
        """The caller that claimed ``key``: run ``fn``, then release the key, whatever
        ``fn`` did. No lock is held while ``fn`` runs."""
        try:
            return call.run(fn)
        finally:
            self.release(key, call)

    def release(self, key: Hashable, call: Call[Any]) -> None:
        """Forget the finished call, then wake its waiters: from the moment they wake, a
        new ``do(key, ...)`` runs its function again."""
        with self.mutex:
            if self._calls.get(key) is call:
                del self._calls[key]
        call.done.set()

    def __repr__(self) -> str:
        with self.mutex:
            keys = list(self._calls)
        return f"{type(self).__name__}(in_flight={keys!r})"


# --- Part 2 -----------------------------------------------------------------------------


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def should_recompute_early(
    expiry: float, delta: float, beta: float, now: float, rand: float
) -> bool:
    """XFetch: True iff ``now - delta * beta * log(rand) >= expiry``."""
    _number("expiry", expiry)
    _number("now", now)
    if _number("delta", delta) < 0:
        raise ValueError(f"delta must be >= 0, got {delta!r}")
    if _number("beta", beta) < 0:
        raise ValueError(f"beta must be >= 0, got {beta!r}")
    if not 0.0 < _number("rand", rand) <= 1.0:
        raise ValueError(f"rand must be in (0, 1], got {rand!r}")
    # -log(rand) is exponentially distributed: usually small, occasionally large, so a
    # few readers volunteer early, more of them as expiry nears.
    return now - delta * beta * math.log(rand) >= expiry


# --- Part 3 -----------------------------------------------------------------------------


class Entry(NamedTuple):
    """A cached value, how long it took to compute (``delta``) and when it expires."""

    value: Any
    delta: float
    expiry: float


def _encode(entry: Entry) -> str:
    """The JSON stored for ``entry``; TypeError for a value JSON cannot hold."""
    return json.dumps({"v": entry.value, "d": entry.delta, "e": entry.expiry},
                      separators=(",", ":"))


def _decode(raw: bytes | str | None) -> Entry | None:
    """The entry stored as ``raw``, or None when there is none or it is not ours."""
    if raw is None:
        return None
    try:
        obj = json.loads(raw)
        entry = Entry(obj["v"], float(obj["d"]), float(obj["e"]))
    except (ValueError, TypeError, KeyError):
        return None  # corrupt or foreign data: a miss, overwritten by the next compute
    if not (math.isfinite(entry.delta) and entry.delta >= 0 and math.isfinite(entry.expiry)):
        return None
    return entry


def _decode_new(current: bytes | str | None, seen: bytes | str | None) -> Entry | None:
    """The entry stored as ``current`` if it is not the one we read as ``seen``, else None."""
    return _decode(current) if current != seen else None


def _seconds(name: str, value: object, *, zero_ok: bool = False) -> float:
    number = _number(name, value)
    if number < 0 or (number == 0 and not zero_ok):
        raise ValueError(f"{name} must be {'>= 0' if zero_ok else '> 0'}, got {value!r}")
    return number


def _milliseconds(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


class StampedeCache:
    """Cache-aside on Redis where one caller recomputes and the others serve stale data.

    The steps of ``get_or_compute``, each a public method (see the module docstring):
    read the entry; ``should_refresh`` it?; ``try_lock``; the winner runs
    ``compute_entry`` and ``store``s it (``on_compute_failed`` if that raised); a loser
    goes to ``as_loser``, which serves the stale value or ``wait_for_winner``.
    """

    # The Lua source of each atomic step (KEYS and ARGV are described where each is
    # defined, at the top of this module).
    ACQUIRE_SCRIPT: ClassVar[str] = ACQUIRE_UNLESS_CHANGED
    STORE_SCRIPT: ClassVar[str] = STORE_AND_RELEASE
    RELEASE_SCRIPT: ClassVar[str] = RELEASE_IF_OWNER

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
        self._ttl_ms = _milliseconds(_seconds("ttl", ttl))
        self.ttl = float(ttl)
        self.beta = _seconds("beta", beta, zero_ok=True)
        self._lock_ms = _milliseconds(_seconds("lock_ttl", lock_ttl))
        self.lock_ttl = float(lock_ttl)
        self.wait_timeout = _seconds("wait_timeout", wait_timeout, zero_ok=True)
        if not callable(clock):
            raise TypeError(f"clock must be a callable, got {clock!r}")
        if not callable(rand):
            raise TypeError(f"rand must be a callable, got {rand!r}")
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, got {prefix!r}")
        self.client = client
        self.clock = clock
        self.rand = rand
        self.prefix = prefix
        self._acquire: Script = client.register_script(self.ACQUIRE_SCRIPT)
        self._store: Script = client.register_script(self.STORE_SCRIPT)
        self._release: Script = client.register_script(self.RELEASE_SCRIPT)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(ttl={self.ttl!r}, beta={self.beta!r}, "
            f"lock_ttl={self.lock_ttl!r}, wait_timeout={self.wait_timeout!r}, "
            f"prefix={self.prefix!r})"
        )

    def entry_key(self, key: str) -> str:
        """``{<prefix>:<key>}:entry``. The braces are a hash tag: a cluster places the key by
        what they enclose, so a key's entry and lock share a slot (and ``:`` inside keeps
        the tag from being empty, which would hash the whole key instead)."""
        return f"{{{self.prefix}:{key}}}:entry"

    def lock_key(self, key: str) -> str:
        """``{<prefix>:<key>}:lock``: the entry's hash tag, so the entry's slot."""
        return f"{{{self.prefix}:{key}}}:lock"

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, got {key!r}")
        if not callable(compute):
            raise TypeError(f"compute must be a callable, got {compute!r}")
        seen = self.client.get(self.entry_key(key))
        entry = _decode(seen)
        if entry is not None and not self.should_refresh(entry):
            return entry.value
        token = secrets.token_hex(TOKEN_BYTES)
        won, current = self.try_lock(key, token, seen)
        if won:
            return self._compute_and_store(key, token, compute)
        if (fresh := _decode_new(current, seen)) is not None:
            return fresh.value  # someone stored a new entry since we read it
        return self.as_loser(key, entry, seen, compute)

    # -- the decision: XFetch -------------------------------------------------------------

    def should_refresh(self, entry: Entry) -> bool:
        """XFetch with this cache's beta, clock and rand: should this reader recompute?"""
        return should_recompute_early(entry.expiry, entry.delta, self.beta, self.clock(),
                                      self.draw())

    def draw(self) -> float:
        """One rand() for XFetch, in (0, 1]: 0.0 counts as the smallest positive float."""
        return self.rand() or SMALLEST_RAND

    # -- who computes -----------------------------------------------------------------------

    def try_lock(
        self, key: str, token: str, seen: bytes | str | None
    ) -> tuple[bool, bytes | str | None]:
        """Take the lock (NX PX lock_ttl) unless the entry changed since we read ``seen``,
        in one script: (whether we hold the lock, the entry as it is now)."""
        won, current = self._acquire(
            keys=[self.entry_key(key), self.lock_key(key)],
            args=[token, self._lock_ms, "" if seen is None else seen],
        )
        return bool(won), current

    def as_loser(
        self, key: str, stale: Entry | None, seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        """Someone else holds the lock: serve our stale entry at once, or, on a cold key,
        wait for theirs."""
        if stale is not None:
            return stale.value
        return self.wait_for_winner(key, seen, compute)

    def wait_for_winner(
        self, key: str, seen: bytes | str | None, compute: Callable[[], Any]
    ) -> Any:
        """Poll until the winner's entry appears, the lock frees up (we take over), or
        ``give_up_at()`` passes (we compute without the lock). Real time, not ``clock``:
        a waiter must give up even when the injected clock stands still."""
        deadline = self.give_up_at()
        pause = FIRST_PAUSE
        token = secrets.token_hex(TOKEN_BYTES)
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, MAX_PAUSE)
            won, current = self.try_lock(key, token, seen)
            if won:  # the winner failed (or its lock expired): our turn
                return self._compute_and_store(key, token, compute)
            if (fresh := _decode_new(current, seen)) is not None:
                return fresh.value
        return self.compute_unlocked(key, compute)

    def give_up_at(self) -> float:
        """When (on ``time.monotonic``) a waiter stops waiting: ``wait_timeout`` from now."""
        return time.monotonic() + self.wait_timeout

    def compute_unlocked(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute and store without the lock (a waiter that gave up); the value."""
        entry = self.compute_entry(compute)
        self.client.set(self.entry_key(key), _encode(entry), px=self._ttl_ms)
        return entry.value

    # -- the winner ---------------------------------------------------------------------------

    def compute_entry(self, compute: Callable[[], Any]) -> Entry:
        """Run ``compute``; delta and expiry are measured with the injected clock."""
        started = self.clock()
        value = compute()
        stored = self.clock()
        return Entry(value, max(stored - started, 0.0), stored + self.ttl)

    def store(self, key: str, token: str, entry: Entry) -> None:
        """Write the entry (``SET ... PX ttl``), then release the lock if ``token`` still
        holds it: one script."""
        self._store(keys=[self.entry_key(key), self.lock_key(key)],
                    args=[_encode(entry), self._ttl_ms, token])

    def on_compute_failed(self, key: str, token: str, error: BaseException) -> None:
        """The winner's compute (or its encoding) raised: store nothing and release the
        lock at once, so that a waiter takes over."""
        self.release(key, token)

    def release(self, key: str, token: str) -> None:
        """Delete the lock if ``token`` still holds it (compare-and-delete, one script)."""
        self._release(keys=[self.lock_key(key)], args=[token])

    def _compute_and_store(self, key: str, token: str, compute: Callable[[], Any]) -> Any:
        try:
            entry = self.compute_entry(compute)
            self.store(key, token, entry)
        except BaseException as exc:
            self.on_compute_failed(key, token, exc)
            raise
        return entry.value
