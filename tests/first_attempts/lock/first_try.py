"""A hurried first attempt, written from the stub in one sitting.

Its mistakes, in the order a learner meets them:

1. ``owned()`` compares what GET returns with the str token; a client made with
   ``decode_responses=False`` returns bytes, so the holder never owns its own lock.
   (``release()`` got a decode after a manual test; ``owned()`` did not.)
2. ``release()`` is GET, compare, DEL: two round trips, and the lease can change hands
   between them.
3. The blocking timeout adds up ``retry_interval`` per pause instead of watching a
   deadline: it runs late, and its last pause is never shortened.
4. Redlock lets a server's ConnectionError escape from ``acquire()``.
"""

import math
import random
import secrets
import time

import redis

REDLOCK_RETRIES = 3
REDLOCK_MAX_PAUSE = 0.2
CLOCK_DRIFT_FACTOR = 0.01
CLOCK_DRIFT_FLOOR = 0.002

EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    local left = redis.call('PTTL', KEYS[1])
    if left < 0 then left = 0 end
    return redis.call('PEXPIRE', KEYS[1], left + ARGV[2])
end
return 0
"""

DELETE_IF_MINE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class LockError(Exception):
    pass


class LockNotOwnedError(LockError):
    pass


def seconds(value, what, zero=False):
    if type(value) not in (int, float):
        raise TypeError(what + " must be a number")
    if math.isnan(value) or math.isinf(value) or value < 0 or (value == 0 and not zero):
        raise ValueError(what + " is out of range: " + repr(value))
    return value


def ms(value):
    return max(1, round(value * 1000))


class RedisLock:
    def __init__(self, client, name, *, ttl=10.0, retry_interval=0.05, blocking_timeout=None):
        if not isinstance(name, str):
            raise TypeError("name must be a string")
        if name == "":
            raise ValueError("name is empty")
        self.r = client
        self.key = "{lock:" + name + "}"
        self.ttl = seconds(ttl, "ttl")
        self.retry_interval = seconds(retry_interval, "retry_interval")
        self.blocking_timeout = None if blocking_timeout is None else seconds(blocking_timeout, "blocking_timeout", True)
        self.token = None
        self.fence = None
        self.extend_script = client.register_script(EXTEND)

    @property
    def fencing_token(self):
        return self.fence

    def acquire(self, blocking=True, timeout=None):
        if timeout is None:
            timeout = self.blocking_timeout
        else:
            timeout = seconds(timeout, "timeout", True)
        token = secrets.token_hex(16)
        waited = 0
        while not self.r.set(self.key, token, nx=True, px=ms(self.ttl)):
            if not blocking:
                return False
            if timeout is not None and waited >= timeout:
                return False
            time.sleep(self.retry_interval)
            waited += self.retry_interval
        self.token = token
        self.fence = self.r.incr(self.key + ":fence")
        return True

    def _current(self):
        value = self.r.get(self.key)
        if isinstance(value, bytes):
            value = value.decode()
        return value

    def release(self):
        token = self.token
        self.token = None
        self.fence = None
        if token is None or self._current() != token:
            raise LockNotOwnedError("not the owner of " + self.key)
        self.r.delete(self.key)

    def extend(self, additional):
        additional = seconds(additional, "additional")
        if self.token is None or not self.extend_script(keys=[self.key], args=[self.token, ms(additional)]):
            raise LockNotOwnedError("not the owner of " + self.key)

    def locked(self):
        return self.r.exists(self.key) == 1

    def owned(self):
        return self.token is not None and self.r.get(self.key) == self.token

    def __enter__(self):
        if not self.acquire():
            raise LockError("timed out waiting for " + self.key)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


class Redlock:
    def __init__(self, clients, name, *, ttl=10.0):
        if not isinstance(name, str):
            raise TypeError("name must be a string")
        if name == "":
            raise ValueError("name is empty")
        self.servers = list(clients)
        if len(self.servers) == 0:
            raise ValueError("clients is empty")
        self.key = "{lock:" + name + "}"
        self.ttl = seconds(ttl, "ttl")
        self.unlock = [s.register_script(DELETE_IF_MINE) for s in self.servers]
        self.token = None
        self._validity = None

    @property
    def quorum(self):
        return len(self.servers) // 2 + 1

    @property
    def validity(self):
        return self._validity

    def acquire(self, blocking=True, timeout=None):
        if timeout is not None:
            timeout = seconds(timeout, "timeout", True)
        end = None if timeout is None else time.monotonic() + timeout
        for attempt in range(1, 10**9):
            token = secrets.token_hex(16)
            t0 = time.monotonic()
            yes = 0
            for server in self.servers:
                if server.set(self.key, token, nx=True, px=ms(self.ttl)):
                    yes += 1
            validity = self.ttl - (time.monotonic() - t0) - (self.ttl * CLOCK_DRIFT_FACTOR + CLOCK_DRIFT_FLOOR)
            if yes >= self.quorum and validity > 0:
                self.token = token
                self._validity = validity
                return True
            self._unlock_everywhere(token)
            if not blocking or (end is None and attempt >= REDLOCK_RETRIES):
                return False
            pause = random.uniform(0, REDLOCK_MAX_PAUSE)
            if end is not None:
                if time.monotonic() >= end:
                    return False
                pause = min(pause, end - time.monotonic())
            time.sleep(pause)
        return False

    def _unlock_everywhere(self, token):
        n = 0
        for script in self.unlock:
            try:
                n += script(keys=[self.key], args=[token])
            except redis.RedisError:
                pass
        return n

    def release(self):
        token = self.token
        self.token = None
        self._validity = None
        if token is None or self._unlock_everywhere(token) == 0:
            raise LockNotOwnedError("not the owner of " + self.key)

    def __enter__(self):
        if not self.acquire():
            raise LockError("could not get a quorum for " + self.key)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.release()
        except LockNotOwnedError:
            if exc_type is None:
                raise


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Acquire::test_lifecycle_locked_and_owned"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a just acquired, yet \(a.locked\(\), a.owned\(\)\) is \(True, False\)"
LOOKS_LIKE = ("owned_compares_bytes",)
