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
  time for the winner's.
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


class _Call(Generic[T]):
    """One in-flight execution: its outcome, and an event set once the outcome is known."""

    __slots__ = ("done", "error", "result")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None


class SingleFlight:
    """Concurrent ``do(key, fn)`` calls with one key share a single execution of ``fn``."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._calls: dict[Hashable, _Call[Any]] = {}

    def do(self, key: Hashable, fn: Callable[[], T]) -> T:
        if not callable(fn):
            raise TypeError(f"fn must be a callable, got {fn!r}")
        try:
            hash(key)
        except TypeError:
            raise TypeError(f"key must be hashable, got {type(key).__name__}") from None

        with self._mutex:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = self._calls[key] = _Call()

        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return cast(T, call.result)

        try:
            result = call.result = fn()
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            # Forget the call before waking the waiters: from here on, a new do() runs fn.
            with self._mutex:
                del self._calls[key]
            call.done.set()
        return result

    def __repr__(self) -> str:
        with self._mutex:
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


class _Entry(NamedTuple):
    value: Any
    delta: float
    expiry: float


def _decode(raw: bytes | str | None) -> _Entry | None:
    """The entry stored as ``raw``, or None when there is none or it is not ours."""
    if raw is None:
        return None
    try:
        obj = json.loads(raw)
        entry = _Entry(obj["v"], float(obj["d"]), float(obj["e"]))
    except (ValueError, TypeError, KeyError):
        return None  # corrupt or foreign data: a miss, overwritten by the next compute
    if not (math.isfinite(entry.delta) and entry.delta >= 0 and math.isfinite(entry.expiry)):
        return None
    return entry


def _decode_new(current: bytes | str | None, seen: bytes | str | None) -> _Entry | None:
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
    """Cache-aside on Redis where one caller recomputes and the others serve stale data."""

    # The Lua scripts registered with the client (each is described where it is defined).
    _acquire_lua: ClassVar[str] = ACQUIRE_UNLESS_CHANGED
    _store_lua: ClassVar[str] = STORE_AND_RELEASE
    _release_lua: ClassVar[str] = RELEASE_IF_OWNER

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
        self._client = client
        self._clock = clock
        self._rand = rand
        self.prefix = prefix
        self._acquire: Script = client.register_script(self._acquire_lua)
        self._store: Script = client.register_script(self._store_lua)
        self._release: Script = client.register_script(self._release_lua)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(ttl={self.ttl!r}, beta={self.beta!r}, "
            f"lock_ttl={self.lock_ttl!r}, wait_timeout={self.wait_timeout!r}, "
            f"prefix={self.prefix!r})"
        )

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, got {key!r}")
        if not callable(compute):
            raise TypeError(f"compute must be a callable, got {compute!r}")
        entry_key, lock_key = f"{self.prefix}:entry:{key}", f"{self.prefix}:lock:{key}"

        raw = self._client.get(entry_key)
        entry = _decode(raw)
        if entry is not None and not self._should_refresh(entry):
            return entry.value

        token = secrets.token_hex(TOKEN_BYTES)
        won, current = self._try_lock(entry_key, lock_key, token, raw)
        if won:
            return self._compute_and_store(entry_key, lock_key, token, compute)
        if (fresh := _decode_new(current, raw)) is not None:
            return fresh.value  # someone stored a new entry since we read it
        return self._as_loser(entry, entry_key, lock_key, token, raw, compute)

    def _should_refresh(self, entry: _Entry) -> bool:
        """XFetch with this cache's beta, clock and rand: should this reader recompute?"""
        return should_recompute_early(
            entry.expiry, entry.delta, self.beta, self._clock(), self._draw()
        )

    def _draw(self) -> float:
        """One rand() for XFetch, in (0, 1]: 0.0 counts as the smallest positive float."""
        return self._rand() or SMALLEST_RAND

    def _as_loser(
        self,
        stale: _Entry | None,
        entry_key: str,
        lock_key: str,
        token: str,
        seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        """Someone else holds the lock: serve our stale entry at once, or, on a cold key,
        wait for theirs."""
        if stale is not None:
            return stale.value
        return self._wait(entry_key, lock_key, token, seen, compute)

    def _try_lock(
        self, entry_key: str, lock_key: str, token: str, seen: bytes | str | None
    ) -> tuple[bool, bytes | str | None]:
        won, current = self._acquire(
            keys=[entry_key, lock_key], args=[token, self._lock_ms, "" if seen is None else seen]
        )
        return bool(won), current

    def _wait(
        self,
        entry_key: str,
        lock_key: str,
        token: str,
        seen: bytes | str | None,
        compute: Callable[[], Any],
    ) -> Any:
        """Poll until the winner's entry appears, the lock frees up (we take over), or
        ``wait_timeout`` passes (we compute without the lock). Real time, not ``clock``:
        a waiter must give up even when the injected clock stands still."""
        deadline = time.monotonic() + self.wait_timeout
        pause = FIRST_PAUSE
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, MAX_PAUSE)
            won, current = self._try_lock(entry_key, lock_key, token, seen)
            if won:  # the winner failed (or its lock expired): our turn
                return self._compute_and_store(entry_key, lock_key, token, compute)
            if (fresh := _decode_new(current, seen)) is not None:
                return fresh.value
        value, data = self._compute_entry(compute)
        self._client.set(entry_key, data, px=self._ttl_ms)
        return value

    def _compute_entry(self, compute: Callable[[], Any]) -> tuple[Any, str]:
        """Run ``compute`` and encode its entry; delta is measured with the injected clock."""
        started = self._clock()
        value = compute()
        stored = self._clock()
        entry = {"v": value, "d": max(stored - started, 0.0), "e": stored + self.ttl}
        return value, json.dumps(entry, separators=(",", ":"))

    def _compute_and_store(
        self, entry_key: str, lock_key: str, token: str, compute: Callable[[], Any]
    ) -> Any:
        try:
            value, data = self._compute_entry(compute)
        except BaseException:
            self._release(keys=[lock_key], args=[token])  # let a waiter take over now
            raise
        self._store(keys=[entry_key, lock_key], args=[data, self._ttl_ms, token])
        return value
