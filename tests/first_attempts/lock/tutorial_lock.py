"""A first attempt that follows the classic blog-post lock, written from the stub.

Its mistakes, in the order a learner meets them:

1. ``acquire()`` is SETNX, then PEXPIRE when it won: two commands, and a crash between
   them leaves a lock without a TTL, held for ever.
2. ``release()`` deletes the key after checking only its own memory, not the token in
   Redis: a holder whose lease expired deletes the next holder's lock.
3. ``__exit__`` swallows LockNotOwnedError: a with-block that outlived its lease looks
   fine.
4. Redlock's majority is ``len(clients) // 2``: with three servers one vote wins.
"""

import math
import os
import random
import time

import redis

REDLOCK_RETRIES = 3
REDLOCK_MAX_PAUSE = 0.2
CLOCK_DRIFT_FACTOR = 0.01
CLOCK_DRIFT_FLOOR = 0.002

COMPARE_AND_EXTEND = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then ttl = 0 end
redis.call('pexpire', KEYS[1], ttl + tonumber(ARGV[2]))
return 1
"""

COMPARE_AND_DELETE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class LockError(Exception):
    pass


class LockNotOwnedError(LockError):
    pass


def _positive(name, value, zero_ok=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s must be a number" % name)
    if math.isnan(value) or math.isinf(value) or value < 0 or (value == 0 and not zero_ok):
        raise ValueError("%s must be a finite number > 0, got %r" % (name, value))
    return value


def _milliseconds(seconds):
    return max(1, int(round(seconds * 1000)))


def _lock_name(name):
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    if not name:
        raise ValueError("name must not be empty")
    return "{lock:" + name + "}"


def _new_token():
    return os.urandom(16).hex()


class RedisLock:
    def __init__(self, client, name, *, ttl=10.0, retry_interval=0.05, blocking_timeout=None):
        self.client = client
        self.lock_name = _lock_name(name)
        self.ttl = _positive("ttl", ttl)
        self.retry_interval = _positive("retry_interval", retry_interval)
        if blocking_timeout is not None:
            _positive("blocking_timeout", blocking_timeout, zero_ok=True)
        self.blocking_timeout = blocking_timeout
        self.identifier = None
        self.fence = None
        self.extend_script = client.register_script(COMPARE_AND_EXTEND)

    @property
    def fencing_token(self):
        return self.fence

    def acquire(self, blocking=True, timeout=None):
        if timeout is not None:
            _positive("timeout", timeout, zero_ok=True)
        else:
            timeout = self.blocking_timeout
        identifier = _new_token()
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            if self.client.setnx(self.lock_name, identifier):
                self.client.pexpire(self.lock_name, _milliseconds(self.ttl))
                self.identifier = identifier
                self.fence = self.client.incr(self.lock_name + ":fence")
                return True
            if not blocking:
                return False
            if end is not None:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(self.retry_interval, left))
            else:
                time.sleep(self.retry_interval)

    def release(self):
        if self.identifier is None:
            raise LockNotOwnedError("lock was never acquired")
        self.identifier = None
        self.fence = None
        if not self.client.delete(self.lock_name):
            raise LockNotOwnedError("lock expired before release")

    def extend(self, additional):
        _positive("additional", additional)
        if self.identifier is None:
            raise LockNotOwnedError("lock is not held")
        if not self.extend_script(keys=[self.lock_name], args=[self.identifier, _milliseconds(additional)]):
            raise LockNotOwnedError("lock is no longer held")

    def locked(self):
        return self.client.exists(self.lock_name) > 0

    def owned(self):
        current = self.client.get(self.lock_name)
        if isinstance(current, bytes):
            current = current.decode()
        return self.identifier is not None and current == self.identifier

    def __enter__(self):
        if not self.acquire():
            raise LockError("could not acquire " + self.lock_name)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.release()
        except LockNotOwnedError:
            pass


class Redlock:
    def __init__(self, clients, name, *, ttl=10.0):
        self.lock_name = _lock_name(name)
        self.ttl = _positive("ttl", ttl)
        self.clients = list(clients)
        if not self.clients:
            raise ValueError("clients must not be empty")
        self.deleters = [c.register_script(COMPARE_AND_DELETE) for c in self.clients]
        self.identifier = None
        self._validity = None

    @property
    def quorum(self):
        return len(self.clients) // 2 + 1

    @property
    def validity(self):
        return self._validity

    def acquire(self, blocking=True, timeout=None):
        if timeout is not None:
            _positive("timeout", timeout, zero_ok=True)
        end = None if timeout is None else time.monotonic() + timeout
        tries = 0
        while True:
            tries += 1
            if self._try():
                return True
            if not blocking:
                return False
            if end is None:
                if tries >= REDLOCK_RETRIES:
                    return False
                time.sleep(random.uniform(0, REDLOCK_MAX_PAUSE))
            else:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(left, random.uniform(0, REDLOCK_MAX_PAUSE)))

    def _try(self):
        identifier = _new_token()
        start = time.monotonic()
        granted = 0
        for client in self.clients:
            try:
                if client.set(self.lock_name, identifier, nx=True, px=_milliseconds(self.ttl)):
                    granted += 1
            except redis.RedisError:
                continue
        elapsed = time.monotonic() - start
        validity = self.ttl - elapsed - (self.ttl * CLOCK_DRIFT_FACTOR + CLOCK_DRIFT_FLOOR)
        if granted >= len(self.clients) // 2 and validity > 0:
            self.identifier = identifier
            self._validity = validity
            return True
        self._delete_all(identifier)
        return False

    def _delete_all(self, identifier):
        deleted = 0
        for deleter in self.deleters:
            try:
                deleted += deleter(keys=[self.lock_name], args=[identifier])
            except redis.RedisError:
                pass
        return deleted

    def release(self):
        identifier = self.identifier
        self.identifier = None
        self._validity = None
        if identifier is None or not self._delete_all(identifier):
            raise LockNotOwnedError("no server held the lock")

    def __enter__(self):
        if not self.acquire():
            raise LockError("could not acquire " + self.lock_name)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Acquire::test_acquire_is_one_set_nx_px"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"acquire\(\) sent SETNX PEXPIRE INCRBY; expected one SET key token NX PX"
LOOKS_LIKE = ("setnx_then_expire",)
