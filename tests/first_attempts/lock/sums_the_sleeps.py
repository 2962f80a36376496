"""A careful first attempt at Part 1 whose Part 2 and 3 came in a hurry, written from the stub.

Its mistakes, in the order a learner meets them:

1. The blocking timeout is counted by adding up the pauses (``waited += pause``, the last
   pause ``min(retry_interval, timeout - waited)``), not against a deadline read from
   ``time.monotonic()``. Real sleeps last longer than asked, so it runs late; and the
   float sum drifts: 8 x 0.05 is 0.39999999999999997, one more pause of 5e-17 s and one
   more SET after its time is up.
2. ``extend()``'s script sets the TTL to ``additional`` (PEXPIRE additional) instead of
   adding it to the time left.
3. The fencing token is taken (INCR) before the SET, so a failed acquire() also gets one,
   and keeps it.
4. A Redlock attempt that failed leaves its keys on the servers that said yes.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Iterable

import redis

REDLOCK_RETRIES = 3
REDLOCK_MAX_PAUSE = 0.2
CLOCK_DRIFT_FACTOR = 0.01
CLOCK_DRIFT_FLOOR = 0.002

_UNLOCK = """
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
else
  return 0
end
"""

_EXTEND = """
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
else
  return 0
end
"""


class LockError(Exception):
    """The lock could not be acquired."""


class LockNotOwnedError(LockError):
    """Release or extend of a lock this instance does not hold."""


def _duration(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected a number of seconds, got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name}: expected a finite positive number, got {value!r}")
    return float(value)


def _px(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _key(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name: expected a str, got {type(name).__name__}")
    if not name:
        raise ValueError("name: must not be empty")
    return f"{{lock:{name}}}"


class RedisLock:
    def __init__(self, client: redis.Redis, name: str, *, ttl: float = 10.0,
                 retry_interval: float = 0.05, blocking_timeout: float | None = None) -> None:
        self._client = client
        self._key = _key(name)
        self._ttl = _duration("ttl", ttl)
        self._retry = _duration("retry_interval", retry_interval)
        self._default_timeout = (None if blocking_timeout is None
                                 else _duration("blocking_timeout", blocking_timeout, allow_zero=True))
        self._unlock = client.register_script(_UNLOCK)
        self._extend = client.register_script(_EXTEND)
        self._token: str | None = None
        self._fence: int | None = None

    @property
    def fencing_token(self) -> int | None:
        return self._fence

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if timeout is None:
            timeout = self._default_timeout
        else:
            timeout = _duration("timeout", timeout, allow_zero=True)
        token = secrets.token_hex(16)
        self._fence = int(self._client.incr(f"{self._key}:fence"))
        waited = 0.0
        while True:
            if self._client.set(self._key, token, nx=True, px=_px(self._ttl)):
                self._token = token
                return True
            if not blocking or (timeout is not None and waited >= timeout):
                return False
            pause = self._retry if timeout is None else min(self._retry, timeout - waited)
            time.sleep(pause)
            waited += pause

    def release(self) -> None:
        token, self._token, self._fence = self._token, None, None
        if token is None or not self._unlock(keys=[self._key], args=[token]):
            raise LockNotOwnedError(f"{self._key} is not held by this instance")

    def extend(self, additional: float) -> None:
        additional = _duration("additional", additional)
        if self._token is None or not self._extend(keys=[self._key],
                                                   args=[self._token, _px(additional)]):
            raise LockNotOwnedError(f"{self._key} is not held by this instance")

    def locked(self) -> bool:
        return bool(self._client.exists(self._key))

    def owned(self) -> bool:
        if self._token is None:
            return False
        value = self._client.get(self._key)
        if isinstance(value, bytes):
            value = value.decode()
        return value == self._token

    def __enter__(self) -> RedisLock:
        if not self.acquire():
            raise LockError(f"could not acquire {self._key}")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


class Redlock:
    def __init__(self, clients: Iterable[redis.Redis], name: str, *, ttl: float = 10.0) -> None:
        self._key = _key(name)
        self._ttl = _duration("ttl", ttl)
        self._clients = list(clients)
        if not self._clients:
            raise ValueError("clients: need at least one Redis client")
        self._unlocks = [c.register_script(_UNLOCK) for c in self._clients]
        self._token: str | None = None
        self._validity: float | None = None

    @property
    def quorum(self) -> int:
        return len(self._clients) // 2 + 1

    @property
    def validity(self) -> float | None:
        return self._validity

    def _set(self, client: redis.Redis, token: str) -> bool:
        try:
            return bool(client.set(self._key, token, nx=True, px=_px(self._ttl)))
        except redis.RedisError:
            return False

    def _unlock_all(self, token: str) -> int:
        freed = 0
        for unlock in self._unlocks:
            try:
                freed += int(unlock(keys=[self._key], args=[token]))
            except redis.RedisError:
                pass
        return freed

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if timeout is not None:
            timeout = _duration("timeout", timeout, allow_zero=True)
        deadline = None if timeout is None else time.monotonic() + timeout
        attempts = 0
        while True:
            attempts += 1
            token = secrets.token_hex(16)
            started = time.monotonic()
            votes = sum(self._set(c, token) for c in self._clients)
            drift = self._ttl * CLOCK_DRIFT_FACTOR + CLOCK_DRIFT_FLOOR
            validity = self._ttl - (time.monotonic() - started) - drift
            if votes >= self.quorum and validity > 0:
                self._token, self._validity = token, validity
                return True
            if not blocking:
                return False
            if deadline is None and attempts >= REDLOCK_RETRIES:
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            pause = random.uniform(0, REDLOCK_MAX_PAUSE)
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)

    def release(self) -> None:
        token, self._token, self._validity = self._token, None, None
        if token is None or not self._unlock_all(token):
            raise LockNotOwnedError(f"{self._key} is not held on any server")

    def __enter__(self) -> Redlock:
        if not self.acquire():
            raise LockError(f"could not acquire {self._key} on a quorum")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Blocking::test_gives_up_at_the_deadline"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a pause of 0\.1 s from \+0\.303 s ends at \+0\.403 s, past the deadline"
LOOKS_LIKE = ("timeout_by_summing_pauses",)
