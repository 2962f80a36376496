"""A first attempt by someone who has used redis-py's Lock, written from the stub.

Its mistakes, in the order a learner meets them:

1. Durations go to Redis as ``int(seconds * 1000)``, as redis-py does it: ``ttl=0.0004``
   is sent as ``PX 0``, which Redis refuses, and ``extend(0.0015)`` adds 1 ms, not 2.
2. A blocking acquire gives up as soon as a whole ``retry_interval`` would overrun the
   deadline (redis-py's rule), instead of shortening the last pause and trying once more
   at the deadline: it gives up to an interval early.
3. Redlock's validity leaves out the clock drift allowance: with a ttl of 2 ms the lock
   counts as held though its keys may already be gone.
"""

from __future__ import annotations

import random
import time
import uuid

import redis

REDLOCK_RETRIES = 3
REDLOCK_MAX_PAUSE = 0.2
CLOCK_DRIFT_FACTOR = 0.01
CLOCK_DRIFT_FLOOR = 0.002

LUA_RELEASE_SCRIPT = """
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
    return 0
end
redis.call('del', KEYS[1])
return 1
"""

LUA_EXTEND_SCRIPT = """
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
    return 0
end
local expiration = redis.call('pttl', KEYS[1])
if not expiration or expiration < 0 then
    expiration = 0
end
redis.call('pexpire', KEYS[1], expiration + ARGV[2])
return 1
"""


class LockError(Exception):
    pass


class LockNotOwnedError(LockError):
    pass


def _check_seconds(what, value, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{what} must be finite")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{what} must be positive, got {value}")
    return float(value)


def _check_name(name):
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    if not name:
        raise ValueError("name must not be empty")
    return name


class RedisLock:
    def __init__(self, client, name, *, ttl=10.0, retry_interval=0.05, blocking_timeout=None):
        self.redis = client
        self.name = "{lock:" + _check_name(name) + "}"
        self.timeout = _check_seconds("ttl", ttl)
        self.sleep = _check_seconds("retry_interval", retry_interval)
        if blocking_timeout is not None:
            blocking_timeout = _check_seconds("blocking_timeout", blocking_timeout, allow_zero=True)
        self.blocking_timeout = blocking_timeout
        self.lua_release = client.register_script(LUA_RELEASE_SCRIPT)
        self.lua_extend = client.register_script(LUA_EXTEND_SCRIPT)
        self.local_token = None
        self._fence = None

    @property
    def fencing_token(self):
        return self._fence

    def acquire(self, blocking=True, timeout=None):
        if timeout is not None:
            timeout = _check_seconds("timeout", timeout, allow_zero=True)
        else:
            timeout = self.blocking_timeout
        token = uuid.uuid4().hex
        stop_trying_at = None
        if timeout is not None:
            stop_trying_at = time.monotonic() + timeout
        while True:
            if self.do_acquire(token):
                self.local_token = token
                self._fence = int(self.redis.incr(self.name + ":fence"))
                return True
            if not blocking:
                return False
            next_try_at = time.monotonic() + self.sleep
            if stop_trying_at is not None and next_try_at > stop_trying_at:
                return False
            time.sleep(self.sleep)

    def do_acquire(self, token):
        return bool(self.redis.set(self.name, token, nx=True, px=int(self.timeout * 1000)))

    def release(self):
        token = self.local_token
        self.local_token = None
        self._fence = None
        if token is None:
            raise LockNotOwnedError("cannot release an unlocked lock")
        if not self.lua_release(keys=[self.name], args=[token]):
            raise LockNotOwnedError("cannot release a lock that's no longer owned")

    def extend(self, additional):
        additional = _check_seconds("additional", additional)
        if self.local_token is None:
            raise LockNotOwnedError("cannot extend an unlocked lock")
        if not self.lua_extend(keys=[self.name], args=[self.local_token, int(additional * 1000)]):
            raise LockNotOwnedError("cannot extend a lock that's no longer owned")

    def locked(self):
        return self.redis.get(self.name) is not None

    def owned(self):
        stored = self.redis.get(self.name)
        if stored is not None and isinstance(stored, bytes):
            stored = stored.decode("utf-8")
        return self.local_token is not None and stored == self.local_token

    def __enter__(self):
        if self.acquire():
            return self
        raise LockError("Unable to acquire lock within the time specified")

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


class Redlock:
    def __init__(self, clients, name, *, ttl=10.0):
        self.clients = list(clients)
        if not self.clients:
            raise ValueError("clients must not be empty")
        self.name = "{lock:" + _check_name(name) + "}"
        self.ttl = _check_seconds("ttl", ttl)
        self.scripts = [c.register_script(LUA_RELEASE_SCRIPT) for c in self.clients]
        self.token = None
        self._validity = None

    @property
    def quorum(self):
        return len(self.clients) // 2 + 1

    @property
    def validity(self):
        return self._validity

    def acquire(self, blocking=True, timeout=None):
        if timeout is not None:
            timeout = _check_seconds("timeout", timeout, allow_zero=True)
            deadline = time.monotonic() + timeout
        tries = 0
        while True:
            tries += 1
            if self._attempt():
                return True
            if not blocking:
                return False
            if timeout is None and tries >= REDLOCK_RETRIES:
                return False
            pause = random.uniform(0, REDLOCK_MAX_PAUSE)
            if timeout is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                pause = min(pause, left)
            time.sleep(pause)

    def _attempt(self):
        token = uuid.uuid4().hex
        start = time.monotonic()
        votes = 0
        for client in self.clients:
            try:
                if client.set(self.name, token, nx=True, px=int(self.ttl * 1000)):
                    votes += 1
            except redis.RedisError:
                pass
        validity = self.ttl - (time.monotonic() - start)
        if votes >= self.quorum and validity > 0:
            self.token = token
            self._validity = validity
            return True
        self._unlock_all(token)
        return False

    def _unlock_all(self, token):
        count = 0
        for script in self.scripts:
            try:
                count += script(keys=[self.name], args=[token])
            except redis.RedisError:
                pass
        return count

    def release(self):
        token, self.token, self._validity = self.token, None, None
        if token is None:
            raise LockNotOwnedError("not acquired")
        if self._unlock_all(token) == 0:
            raise LockNotOwnedError("no server still held the lock")

    def __enter__(self):
        if not self.acquire():
            raise LockError("could not acquire the redlock")
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Acquire::test_ttl_in_whole_milliseconds"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"ttl=0\.0004 sent SET \.\.\. PX 0, and Redis refused it"
LOOKS_LIKE = ("ttl_ms_truncated",)
